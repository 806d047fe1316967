#!/usr/bin/env bash
# make dist: the release files for this version, in build/dist (or OUT_DIR):
#   qwendesk-VERSION-linux-amd64                  the Linux binary (WebKitGTK 4.1)
#   qwendesk_DEBVERSION_amd64.deb                 its Debian/Ubuntu package
#   qwendesk-VERSION-windows-amd64.exe            the Windows binary, cross-compiled (icon + version resource)
#   qwendesk-VERSION-windows-amd64-installer.exe  its NSIS installer
#   SHA256SUMS
# The version comes from the newest v* git tag (scripts/version.sh); VERSION=… overrides it.
#   scripts/dist.sh [--linux-only] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

linux_only=false
if [ "${1:-}" = "--linux-only" ]; then linux_only=true; shift; fi
out=$(realpath -m "${1:-build/dist}")

wails="$(go env GOPATH)/bin/wails"
version=$(scripts/version.sh)
deb_version=$(scripts/version.sh deb)
win_version=$(scripts/version.sh windows)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || true)
ldflags="-X main.version=$version -X main.commit=$commit"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

mkdir -p "$out"
# The folder holds one release: files of earlier runs would end up in SHA256SUMS.
rm -f "$out"/qwendesk[-_]* "$out/SHA256SUMS"

# A private output name, so that `make build`'s build/bin/qwendesk is left as it was.
say "Linux binary $version"
"$wails" build -tags webkit2_41 -trimpath -skipbindings -ldflags "$ldflags" -o "qwendesk-dist" >/dev/null
linux_bin="$out/qwendesk-$version-linux-amd64"
mv build/bin/qwendesk-dist "$linux_bin"
"$linux_bin" --version | grep -qF "QwenDesk $version" || { echo "dist: the binary does not report $version" >&2; exit 1; }

say "Debian package $deb_version"
scripts/package-deb.sh "$linux_bin" "$deb_version" "$out" >/dev/null

if ! $linux_only; then
  # The .exe's version resource and the installer's version come from wails.json's
  # info.productVersion; it is set to this build's version for the build only.
  say "Windows binary and installer $version (resource version $win_version)"
  command -v makensis >/dev/null || { echo "dist: makensis is missing (apt-get install nsis)" >&2; exit 1; }
  cp wails.json build/wails.json.orig
  trap 'mv -f build/wails.json.orig wails.json' EXIT
  sed -i -E "s/(\"productVersion\": *\")[^\"]*\"/\1$win_version\"/" wails.json
  rm -f build/bin/QwenDesk-amd64-installer.exe
  # -s: the frontend bundle was just built for Linux; it is the same for Windows.
  "$wails" build -platform windows/amd64 -nsis -s -trimpath -skipbindings -ldflags "$ldflags" -o qwendesk.exe >/dev/null
  mv -f build/wails.json.orig wails.json
  trap - EXIT
  [ -f build/bin/QwenDesk-amd64-installer.exe ] || { echo "dist: NSIS made no installer" >&2; exit 1; }
  mv build/bin/qwendesk.exe "$out/qwendesk-$version-windows-amd64.exe"
  mv build/bin/QwenDesk-amd64-installer.exe "$out/qwendesk-$version-windows-amd64-installer.exe"
fi

(cd "$out" && sha256sum qwendesk[-_]* > SHA256SUMS)
say "Release files in $out:"
(cd "$out" && ls -l qwendesk[-_]* SHA256SUMS | awk '{printf "    %-56s %6.1f MB\n", $9, $5/1048576}')

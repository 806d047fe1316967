#!/usr/bin/env bash
# make test-install: the release files of `make dist`, used as a user would. Installs the .deb
# with apt on this machine over an older release, launches the installed /usr/bin/qwendesk
# under Xvfb with a window manager (screenshots show its title bar and icon), checks that the
# upgrade kept the history and the key and that removing the package keeps them too, reads
# the icon and version resources of the Windows files, and runs the Windows installer and its
# uninstaller under wine in a private prefix (wine's first boot makes this ~40 s). Needs root
# or password-less sudo.
#   scripts/test-install.sh [DIST_DIR] [ARTIFACT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
dist=$(realpath "${1:-build/dist}")
artifacts=$(realpath -m "${2:-build/test-artifacts}")

version=$(scripts/version.sh)
deb_version=$(scripts/version.sh deb)

# Every place that states the version says the committed one: wails.json, the frontend's
# package.json, the binary's --version (the title bar, About, the .deb and the Windows
# resources are checked by the tests below against the same $version).
committed=$(sed -n -E 's/^ *"productVersion": *"([^"]*)".*/\1/p' wails.json)
frontend_version=$(sed -n -E 's/^ *"version": *"([^"]*)".*/\1/p' frontend/package.json)
if [ -z "${VERSION:-}" ]; then
  case "$version" in "$committed"|"$committed"-*) ;; *)
    echo "test-install: the build's version $version is not wails.json's $committed" >&2; exit 1 ;;
  esac
fi
[ "$frontend_version" = "$committed" ] || {
  echo "test-install: frontend/package.json says $frontend_version, wails.json says $committed" >&2; exit 1; }
printed=$("$dist/qwendesk-$version-linux-amd64" --version)
case "$printed" in "QwenDesk $version "*|"QwenDesk $version") ;; *)
  echo "test-install: --version printed '$printed', want QwenDesk $version" >&2; exit 1 ;;
esac
new_deb="$dist/qwendesk_${deb_version}_$(dpkg --print-architecture).deb"
[ -f "$new_deb" ] || { echo "test-install: $new_deb is missing (make dist)" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
  echo "test-install: installing a package needs root or password-less sudo" >&2; exit 1
fi

# The release to upgrade from: this code stamped 0.0.0-alpha.0, which sorts before any real
# version (apt would refuse a downgrade).
old_version=0.0.0-alpha.0
old_dist=$(mktemp -d /tmp/qwendesk-old-release.XXXXXX)
trap 'rm -rf "$old_dist"' EXIT
VERSION=v$old_version scripts/dist.sh --linux-only "$old_dist" >/dev/null
old_deb_version=$(VERSION=v$old_version scripts/version.sh deb)

export QWENDESK_DEB_OLD="$old_dist/qwendesk_${old_deb_version}_$(dpkg --print-architecture).deb"
export QWENDESK_DEB_NEW="$new_deb" QWENDESK_DIST_DIR="$dist"
export QWENDESK_VERSION_OLD=$old_version QWENDESK_VERSION_NEW="$version"
export QWENDESK_DEB_VERSION_OLD="$old_deb_version" QWENDESK_DEB_VERSION_NEW="$deb_version"
export QWENDESK_VERSION_WINDOWS="$(scripts/version.sh windows)"
E2E_TAGS=e2e,install E2E_RUN='TestDebInstall|TestWindowsFiles|TestWindowsInstaller' E2E_WM=openbox \
  scripts/e2e.sh "$dist/qwendesk-$version-linux-amd64" "$artifacts"

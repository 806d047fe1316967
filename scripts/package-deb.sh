#!/usr/bin/env bash
# Packages a built Linux binary as a .deb: the binary in /usr/bin, a desktop entry, the icon in
# every hicolor size, and dependencies computed from what the binary actually links
# (dpkg-shlibdeps), so they name the WebKitGTK 4.1 and GTK 3 runtime packages, never -dev ones.
# No maintainer scripts: the data folder (~/.config/QwenDesk) and the key (in the keychain)
# belong to the user, and neither installing, upgrading nor removing the package touches them.
#   scripts/package-deb.sh BINARY DEB_VERSION OUT_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:?usage: package-deb.sh BINARY DEB_VERSION OUT_DIR}
version=${2:?usage: package-deb.sh BINARY DEB_VERSION OUT_DIR}
out=${3:?usage: package-deb.sh BINARY DEB_VERSION OUT_DIR}
arch=$(dpkg --print-architecture)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/root
install -D -m 0755 "$bin" "$root/usr/bin/qwendesk"
install -D -m 0644 build/linux/qwendesk.desktop "$root/usr/share/applications/qwendesk.desktop"
for png in build/linux/icons/*.png; do
  size=$(basename "$png" .png)
  install -D -m 0644 "$png" "$root/usr/share/icons/hicolor/${size}x${size}/apps/qwendesk.png"
done
install -D -m 0644 build/appicon.svg "$root/usr/share/icons/hicolor/scalable/apps/qwendesk.svg"
install -D -m 0644 CHANGELOG.md "$root/usr/share/doc/qwendesk/CHANGELOG.md"
install -D -m 0644 docs/SECURITY.md "$root/usr/share/doc/qwendesk/SECURITY.md"
install -D -m 0644 docs/TROUBLESHOOTING.md "$root/usr/share/doc/qwendesk/TROUBLESHOOTING.md"
cat > "$root/usr/share/doc/qwendesk/copyright" <<'TXT'
QwenDesk — a native desktop client for Alibaba Cloud's Qwen models.
Copyright © 2026 QwenDesk contributors.
Third-party components are listed in the source's go.mod and frontend/package.json.
TXT

# dpkg-shlibdeps reads a debian/control; a minimal one in the staging folder is enough.
mkdir -p "$stage/debian"
printf 'Source: qwendesk\n\nPackage: qwendesk\nArchitecture: any\n' > "$stage/debian/control"
depends=$(cd "$stage" && dpkg-shlibdeps -O -e root/usr/bin/qwendesk 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { echo "package-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
case "$depends" in *webkit2gtk-4.1*) ;; *) echo "package-deb: the binary does not link WebKitGTK 4.1 ($depends)" >&2; exit 1 ;; esac

mkdir -p "$root/DEBIAN"
cat > "$root/DEBIAN/control" <<CTRL
Package: qwendesk
Version: $version
Architecture: $arch
Maintainer: QwenDesk contributors <qwendesk@users.noreply.github.com>
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Recommends: gnome-keyring | keepassxc | kwalletmanager
Section: net
Priority: optional
Description: native desktop client for Alibaba Cloud's Qwen models
 QwenDesk chats with Qwen models through DashScope (Model Studio): replies
 stream as they are written, conversations are kept in a local SQLite file and
 the API key is stored in the system keychain (Secret Service), never in a
 plain-text file.
CTRL

mkdir -p "$out"
deb="$out/qwendesk_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"

#!/usr/bin/env bash
# Installs what QwenDesk needs to build, run and test: Debian/Ubuntu packages, the pinned
# Wails CLI and the frontend's npm packages. Safe to run again: it installs only what is
# missing. On other systems it says what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

WAILS_VERSION=v2.16.0
PACKAGES=(
  gcc pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev   # build and run (WebKitGTK 4.1)
  xvfb xauth xdotool imagemagick x11-utils            # headless window tests and screenshots
  at-spi2-core python3-pyatspi                         # e2e tests read the window's text (accessibility tree)
  dbus dbus-x11 gnome-keyring libsecret-tools          # a real Secret Service for keychain tests
  fonts-noto-cjk fonts-noto-color-emoji                # Chinese text and emoji
  dpkg-dev nsis desktop-file-utils openbox             # make dist (.deb, Windows installer) and its install test
  chromium fonts-wqy-microhei qpdf                     # internal/docs tests print and encrypt their PDFs
  wine wine64 wine32:i386                              # make test-install runs the NSIS installer (a 32-bit program)
)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

install_debian_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  # wine32 is an i386 package: dpkg must know the architecture before apt-get update reads
  # its package lists. Added only when missing, so a second run changes nothing.
  if printf '%s\n' "${missing[@]}" | grep -q ':i386$' && ! dpkg --print-foreign-architectures | grep -qx i386; then
    say "Adding the i386 architecture (for wine32)"
    $sudo dpkg --add-architecture i386
  fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

case "$(uname -s)" in
  Linux)
    if command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; then
      install_debian_packages
    else
      say "Not a Debian/Ubuntu system: install the equivalents of: ${PACKAGES[*]}"
      say "(Fedora: gtk3-devel webkit2gtk4.1-devel pkgconf gcc xorg-x11-server-Xvfb xdotool ImageMagick gnome-keyring dbus-daemon google-noto-sans-cjk-fonts)"
    fi ;;
  Darwin) say "macOS: install Xcode command line tools (xcode-select --install), Go 1.26+ and Node 20+." ;;
  *) say "Windows: install Go 1.26+, Node 20+ and the WebView2 runtime (see README)." ;;
esac

for tool in go node npm; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (need Go 1.26+, Node 20+)" >&2; exit 1; }
done

GOBIN="$(go env GOPATH)/bin"
if ! "$GOBIN/wails" version 2>/dev/null | grep -q "$WAILS_VERSION"; then
  say "Installing the Wails CLI $WAILS_VERSION"
  go install "github.com/wailsapp/wails/v2/cmd/wails@$WAILS_VERSION"
fi

# npm ci only when the lock file changed since the last install.
if [ ! -f frontend/node_modules/.package-lock.json ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  say "Installing frontend packages (npm ci)"
  (cd frontend && npm ci --no-audit --no-fund)
fi

# go:embed needs the folder even before the first frontend build.
mkdir -p frontend/dist && touch frontend/dist/.gitkeep

#!/usr/bin/env bash
# Runs the end-to-end tests: the built binary in a real window under Xvfb, with a private
# D-Bus session and an unlocked gnome-keyring (a real Secret Service) in a throwaway HOME, so
# the developer's own keychain is never touched.
#   E2E_TAGS  Go build tags (default e2e; scripts/test-install.sh adds install)
#   E2E_RUN   which tests (go test -run; default all)
#   E2E_WM    a window manager to run on the virtual screen, for title bars in screenshots
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:?usage: e2e.sh BINARY ARTIFACT_DIR}"
artifacts="${2:?usage: e2e.sh BINARY ARTIFACT_DIR}"
[ -x "$bin" ] || { echo "e2e: $bin is not built (make build)" >&2; exit 1; }

# Keep Go's caches where they are before HOME moves.
export GOPATH="$(go env GOPATH)" GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
home="$(mktemp -d /tmp/qwendesk-e2e-home.XXXXXX)"
# The GTK file chooser (the attachment tests) starts xdg-document-portal, whose FUSE mount in
# $home/.cache/doc can outlive the D-Bus session by a moment: unmount what is mounted below
# $home, then remove it, a few times if need be. The tests' own status is what the script
# exits with.
cleanup() {
  local status=$? mount
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    while read -r _ mount _; do
      case "$mount" in "$home"/*) fusermount -uz "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true ;; esac
    done < /proc/mounts
    rm -rf "$home" 2>/dev/null && exit "$status"
    sleep 0.5
  done
  echo "e2e: could not remove $home" >&2
  exit "$status"
}
trap cleanup EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache"
mkdir -p "$XDG_DATA_HOME/keyrings" "$home/tmp" && chmod 700 "$XDG_DATA_HOME/keyrings"
# The app's temporary files (and the tests' data folders) land in HOME too, where the key-leak
# scan reads every file.
export TMPDIR="$home/tmp"
export QWENDESK_E2E_BIN="$bin" QWENDESK_E2E_ARTIFACTS="$artifacts"
export E2E_TAGS="${E2E_TAGS:-e2e}" E2E_RUN="${E2E_RUN:-.}" E2E_WM="${E2E_WM:-}"
unset DASHSCOPE_API_KEY API_KEY DASHSCOPE_BASE_URL QWENDESK_DATA_DIR

dbus-run-session -- bash -c '
  set -euo pipefail
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x860x24" bash -c "
    set -euo pipefail
    if [ -n \"\$E2E_WM\" ]; then \$E2E_WM >/dev/null 2>&1 & sleep 1; fi
    go test -tags \"\$E2E_TAGS\" -run \"\$E2E_RUN\" -count=1 -v -timeout 20m ./e2e/
  "
'

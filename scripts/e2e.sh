#!/usr/bin/env bash
# Runs the end-to-end tests: the built binary in a real window under Xvfb, with a private
# D-Bus session and an unlocked gnome-keyring (a real Secret Service) in a throwaway HOME, so
# the developer's own keychain is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:?usage: e2e.sh BINARY ARTIFACT_DIR}"
artifacts="${2:?usage: e2e.sh BINARY ARTIFACT_DIR}"
[ -x "$bin" ] || { echo "e2e: $bin is not built (make build)" >&2; exit 1; }

# Keep Go's caches where they are before HOME moves.
export GOPATH="$(go env GOPATH)" GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
home="$(mktemp -d /tmp/qwendesk-e2e-home.XXXXXX)"
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache"
mkdir -p "$XDG_DATA_HOME/keyrings" && chmod 700 "$XDG_DATA_HOME/keyrings"
export QWENDESK_E2E_BIN="$bin" QWENDESK_E2E_ARTIFACTS="$artifacts"
unset DASHSCOPE_API_KEY API_KEY DASHSCOPE_BASE_URL QWENDESK_DATA_DIR

dbus-run-session -- bash -c '
  set -euo pipefail
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x860x24" go test -tags e2e -count=1 -v -timeout 20m ./e2e/
'

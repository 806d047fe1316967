#!/usr/bin/env bash
# Runs the hot-reload test (e2e/dev_test.go): `make dev` in a copy of this working tree, under
# Xvfb with a private D-Bus session (for the accessibility bus and an unlocked gnome-keyring)
# in a throwaway HOME, the way scripts/e2e.sh runs the built binary. The real files are never
# edited: the test edits its copy.
#   ARTIFACT_DIR  where the screenshots and the make dev log go
set -euo pipefail
cd "$(dirname "$0")/.."
artifacts="${1:?usage: dev-test.sh ARTIFACT_DIR}"
mkdir -p "$artifacts"

export GOPATH="$(go env GOPATH)" GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
export npm_config_cache="$(npm config get cache)"
home="$(mktemp -d /tmp/qwendesk-dev-home.XXXXXX)"
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache"
mkdir -p "$XDG_DATA_HOME/keyrings" && chmod 700 "$XDG_DATA_HOME/keyrings"
export QWENDESK_E2E_ARTIFACTS="$artifacts" QWENDESK_DEV_SOURCE="$PWD"
unset DASHSCOPE_API_KEY API_KEY DASHSCOPE_BASE_URL QWENDESK_DATA_DIR NO_AT_BRIDGE

dbus-run-session -- bash -c '
  set -euo pipefail
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x860x24" \
    go test -tags "e2e devtest" -run "^TestDev" -count=1 -v -timeout 15m ./e2e/
'

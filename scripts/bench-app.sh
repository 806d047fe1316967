#!/usr/bin/env bash
# Measures the built binary in a real window: launch to first paint, memory
# of the whole process tree at idle and after a 1 MB answer, binary size. Like e2e.sh it runs
# with a throwaway HOME, a private D-Bus session with an unlocked gnome-keyring, and Xvfb, so
# nothing of the developer's own desktop is touched.
#   scripts/bench-app.sh build/bin/qwendesk build/bench/app.json [benchapp flags, e.g. -launches 3]
set -euo pipefail
usage="usage: bench-app.sh BINARY OUT_JSON"
bin="${1:?$usage}"
out="${2:?$usage}"
[ -x "$bin" ] || { echo "bench-app: $bin is not built (make build)" >&2; exit 1; }
# Absolute paths: the script works from the repository root.
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
cd "$(dirname "$0")/.."

# Keep Go's caches where they are before HOME moves.
export GOPATH="$(go env GOPATH)" GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
home="$(mktemp -d /tmp/qwendesk-bench-home.XXXXXX)"
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache"
mkdir -p "$XDG_DATA_HOME/keyrings" && chmod 700 "$XDG_DATA_HOME/keyrings"
unset DASHSCOPE_API_KEY API_KEY DASHSCOPE_BASE_URL QWENDESK_DATA_DIR
export BENCH_BIN="$bin" BENCH_OUT="$out" BENCH_EXTRA="${*:3}"
# Build first so compile time never overlaps the measurements.
go build -o "$home/benchapp" ./cmd/benchapp
export BENCH_TOOL="$home/benchapp"

dbus-run-session -- bash -c '
  set -euo pipefail
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x860x24" "$BENCH_TOOL" -bin "$BENCH_BIN" -out "$BENCH_OUT" $BENCH_EXTRA
'

#!/usr/bin/env bash
# Measures QwenDesk in its real window with a DOM probe (cmd/benchwindow): token to pixel
# (fake server write → text in the window's DOM), opening and scrolling a 5,000-message
# conversation, and the memory that costs. The probe lives only in a -tags benchprobe build
# (benchprobe.go); with no binary given this script builds one at build/bin/qwendesk-benchprobe.
# Like bench-app.sh it runs with a throwaway HOME, a private D-Bus session with an unlocked
# gnome-keyring, and Xvfb, so nothing of the developer's own desktop is touched.
#   scripts/bench-window.sh "" build/bench/window.json [benchwindow flags, e.g. -turns 30]
set -euo pipefail
usage="usage: bench-window.sh [PROBE_BINARY] OUT_JSON [benchwindow flags]"
bin="${1-}"
out="${2:?$usage}"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
if [ -n "$bin" ]; then bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"; fi
cd "$(dirname "$0")/.."

if [ -z "$bin" ]; then
  wails="$(go env GOPATH)/bin/wails"
  ldflags="-X main.version=${VERSION:-$(scripts/version.sh)} -X main.commit=$(git rev-parse --short=12 HEAD)"
  nice -n 5 "$wails" build -skipbindings -tags "webkit2_41 benchprobe" -ldflags "$ldflags" -o qwendesk-benchprobe >/dev/null
  touch frontend/dist/.gitkeep
  bin="$PWD/build/bin/qwendesk-benchprobe"
  echo "built $bin"
fi
[ -x "$bin" ] || { echo "bench-window: $bin is not built" >&2; exit 1; }
grep -q __qdProbe "$bin" || { echo "bench-window: $bin has no DOM probe (build it with -tags benchprobe)" >&2; exit 1; }

# Keep Go's caches where they are before HOME moves.
export GOPATH="$(go env GOPATH)" GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
home="$(mktemp -d /tmp/qwendesk-benchwindow-home.XXXXXX)"
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache"
mkdir -p "$XDG_DATA_HOME/keyrings" && chmod 700 "$XDG_DATA_HOME/keyrings"
unset DASHSCOPE_API_KEY API_KEY DASHSCOPE_BASE_URL QWENDESK_DATA_DIR QWENDESK_BENCH_PROBE
export BENCH_BIN="$bin" BENCH_OUT="$out" BENCH_EXTRA="${*:3}"
# Build first so compile time never overlaps the measurements.
go build -o "$home/benchwindow" ./cmd/benchwindow
export BENCH_TOOL="$home/benchwindow"

dbus-run-session -- bash -c '
  set -euo pipefail
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x860x24" "$BENCH_TOOL" -bin "$BENCH_BIN" -out "$BENCH_OUT" $BENCH_EXTRA
'

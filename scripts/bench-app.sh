#!/usr/bin/env bash
# Measures the built binary in a real window: launch to first paint, memory
# of the whole process tree at idle and after a 1 MB answer, binary size; and, in the same run
# under the same display, two baselines: the same production bundle (frontend/dist) in Debian's
# Chromium as an --app window with a stand-in for Go (frontend/bench/memory), and an empty
# Wails window (cmd/benchempty). Like e2e.sh it runs with a throwaway HOME, a private D-Bus
# session with an unlocked gnome-keyring, and Xvfb, so nothing of the developer's own desktop
# is touched. Installs Debian's chromium when it is missing.
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

# The Chromium baseline needs Debian's chromium (the binary the /usr/bin/chromium wrapper runs).
chromium="${CHROMIUM:-/usr/lib/chromium/chromium}"
if [ ! -x "$chromium" ]; then
  if command -v apt-get >/dev/null && [ -f /etc/debian_version ]; then
    echo "bench-app: installing Debian's chromium…" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  fi
  [ -x "$chromium" ] || { echo "bench-app: $chromium is missing (set CHROMIUM=/path/to/chromium)" >&2; exit 1; }
fi

# Keep Go's caches where they are before HOME moves.
export GOPATH="$(go env GOPATH)" GOCACHE="$(go env GOCACHE)" GOMODCACHE="$(go env GOMODCACHE)"
home="$(mktemp -d /tmp/qwendesk-bench-home.XXXXXX)"
# Chromium asks the private session bus for the desktop portal, whose document portal mounts
# a FUSE folder in $XDG_CACHE_HOME/doc and may still hold it when the session ends.
cleanup() {
  if mountpoint -q "$home/.cache/doc" 2>/dev/null; then
    fusermount -u "$home/.cache/doc" 2>/dev/null || umount -l "$home/.cache/doc" 2>/dev/null || true
  fi
  rm -rf "$home"
}
trap cleanup EXIT
# Build first so compile time never overlaps the measurements: the tool, the empty Wails
# window with the tags and flags of the app's production build (wails build -tags webkit2_41
# runs go build -tags desktop,webkit2_41,production -ldflags "-w -s"), and the stand-in for Go.
go build -o "$home/benchapp" ./cmd/benchapp
go build -tags desktop,production,webkit2_41 -ldflags "-w -s" -o "$home/benchempty" ./cmd/benchempty
(
  cd frontend
  if [ ! -d node_modules/vite ]; then
    npm ci --no-audit --no-fund >&2
  fi
  npx vite build --config bench/memory/vite.config.ts --outDir "$home/standin" --emptyOutDir --logLevel warn >&2
)
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" XDG_CACHE_HOME="$home/.cache"
mkdir -p "$XDG_DATA_HOME/keyrings" && chmod 700 "$XDG_DATA_HOME/keyrings"
unset DASHSCOPE_API_KEY API_KEY DASHSCOPE_BASE_URL QWENDESK_DATA_DIR
export BENCH_BIN="$bin" BENCH_OUT="$out" BENCH_EXTRA="${*:3}" BENCH_TOOL="$home/benchapp"
export BENCH_PEERS="-chromium $chromium -dist $PWD/frontend/dist -standin $home/standin/backend.js -empty $home/benchempty"

dbus-run-session -- bash -c '
  set -euo pipefail
  printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x860x24" "$BENCH_TOOL" -bin "$BENCH_BIN" -out "$BENCH_OUT" $BENCH_PEERS $BENCH_EXTRA
'

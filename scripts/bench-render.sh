#!/usr/bin/env bash
# Rendering a long answer, streamed at 2,000 tokens/s, in WebKitGTK 4.1 (the engine QwenDesk
# ships on Linux) under Xvfb: QwenDesk's Markdown.svelte vs what peers ship — react-markdown
# re-rendering the whole answer per update (Chatbox, LobeChat, NextChat) and streamdown — side by
# side in one run, fresh web process per run, modes alternating.
#   scripts/bench-render.sh [REPS] [OUT_JSON]              (defaults: 3, build/bench/render.json)
#   scripts/bench-render.sh --chromium [REPS] [OUT_JSON]   the earlier headless-Chromium run
#                                                          (QwenDesk vs marked full re-parse)
# Installs what it needs when missing: Debian packages (xvfb, dbus, python3-gi,
# gir1.2-webkit2-4.1; chromium for --chromium), the app's frontend packages and the peers'
# project (frontend/bench/peers, its own lock).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
engine=webkit
pos=()
for a in "$@"; do
  case "$a" in
    --chromium) engine=chromium ;;
    --webkit) engine=webkit ;;
    *) pos+=("$a") ;;
  esac
done
reps="${pos[0]:-3}"
out="${pos[1]:-$root/build/bench/render.json}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

# apt_need PACKAGE…: installs the Debian packages not installed yet.
apt_need() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null || [ ! -f /etc/debian_version ]; then
    echo "missing packages ${missing[*]} (not Debian: install them by hand)" >&2
    return 1
  fi
  echo "installing ${missing[*]}…" >&2
  local SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

if [ "$engine" = chromium ]; then
  if [ ! -x /usr/bin/chromium ]; then
    apt_need chromium || { [ -n "${CHROMIUM:-}" ] || exit 1; }
  fi
else
  # Debian's own python3 (a pyenv python3 on PATH has no gi), GTK 3 and WebKitGTK 4.1 through
  # GObject introspection, Xvfb for a display, a session bus for WebKit's accessibility bits.
  apt_need xvfb xauth dbus-daemon python3-gi gir1.2-gtk-3.0 gir1.2-webkit2-4.1
fi

cd "$root/frontend"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/vite ]; then
  npm ci --no-audit --no-fund >&2
fi
# The peers' project, apart from the app's dependencies; reinstalled when its lock changed.
if [ ! -f bench/peers/node_modules/.package-lock.json ] || [ bench/peers/package-lock.json -nt bench/peers/node_modules/.package-lock.json ]; then
  (cd bench/peers && npm ci --no-audit --no-fund >&2)
fi
npx vite build --config bench/vite.config.ts --logLevel warn >&2

# Both runners serve bench/dist on 127.0.0.1 themselves (a small static server on a free port).
if [ "$engine" = chromium ]; then
  node bench/run.mjs --reps "$reps" --out "$out"
else
  # The session bus's chatter (a11y bus activation) is dropped from stderr; the runs' lines stay.
  quiet() { grep --line-buffered -v -E '^dbus-daemon\[|^SpiRegistry daemon' >&2 || true; }
  { xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" dbus-run-session -- \
      node bench/run-webkit.mjs --reps "$reps" --out "$out" 2>&1 1>&3 3>&- | quiet; } 3>&1
fi

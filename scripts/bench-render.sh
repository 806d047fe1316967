#!/usr/bin/env bash
# Rendering a long answer: QwenDesk's Markdown.svelte vs marked full re-parse +
# innerHTML, streamed at 2,000 tokens/s in headless Debian chromium, side by side in one run.
#   scripts/bench-render.sh [REPS] [OUT_JSON]     (defaults: 3, build/bench/render.json)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
reps="${1:-3}"
out="${2:-$root/build/bench/render.json}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null && [ -f /etc/debian_version ]; then
    echo "installing Debian's chromium…" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  else
    echo "/usr/bin/chromium is missing (set CHROMIUM=/path/to/chromium)" >&2
    [ -n "${CHROMIUM:-}" ] || exit 1
  fi
fi

cd "$root/frontend"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/vite ]; then
  npm ci --no-audit --no-fund >&2
fi
npx vite build --config bench/vite.config.ts --logLevel warn >&2
# run.mjs serves bench/dist on 127.0.0.1 itself (a small static server on a free port).
node bench/run.mjs --reps "$reps" --out "$out"

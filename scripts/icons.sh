#!/usr/bin/env bash
# Renders every icon QwenDesk ships from the one design, build/appicon.svg. Run it after
# editing the SVG and commit the results; builds use the committed files, so building
# needs no SVG renderer. Needs rsvg-convert (librsvg2-bin) and ImageMagick.
set -euo pipefail
cd "$(dirname "$0")/.."

svg=build/appicon.svg
render() { rsvg-convert --width "$1" --height "$1" "$svg" --output "$2"; }

# Wails reads build/appicon.png for macOS (.icns) and embeds it as the Linux window icon.
render 1024 build/appicon.png

# Linux: the hicolor sizes desktop environments look up (the .deb installs them).
mkdir -p build/linux/icons
for size in 16 24 32 48 64 128 256 512; do
  render "$size" "build/linux/icons/${size}.png"
done

# Windows: one .ico holding each size Explorer, the task bar and the title bar use,
# each rendered from the SVG rather than scaled down from a large bitmap.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sizes=(16 20 24 32 40 48 64 128 256)
files=()
for size in "${sizes[@]}"; do
  render "$size" "$tmp/$size.png"
  files+=("$tmp/$size.png")
done
convert "${files[@]}" build/windows/icon.ico

# The window's own mark (sidebar, setup screen, About dialog) is the same design.
cp "$svg" frontend/src/assets/appicon.svg
echo "icons written from $svg"

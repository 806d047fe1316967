#!/usr/bin/env bash
# Prints this build's version. The version is wails.json's info.productVersion, a committed
# file that the release procedure bumps (README, Releasing), so a clone without tags builds
# the right version. When the release tag v<productVersion> is in the history, commits after
# it are told apart the way git describe does. VERSION in the environment wins (release
# builds and tests):
#   scripts/version.sh          0.2.0 | 0.2.0-3-gabc1234 | 0.2.0-dirty   (shown to users)
#   scripts/version.sh deb      0.2.0 | 0.2.0+3.gabc1234 | 0.2.0+dirty   (sorts after 0.2.0 in dpkg)
#   scripts/version.sh windows  0.2.0                                    (numeric, for the .exe resource)
set -euo pipefail
cd "$(dirname "$0")/.."

v=${VERSION:-}
if [ -z "$v" ]; then
  base=$(sed -n -E 's/^ *"productVersion": *"([^"]*)".*/\1/p' wails.json)
  [ -n "$base" ] || { echo "version: wails.json has no info.productVersion" >&2; exit 1; }
  v=$(git describe --tags --match "v$base" --dirty 2>/dev/null || echo "$base")
fi
v=${v#v}

case "${1:-}" in
  "") echo "$v" ;;
  deb)
    # Debian versions must start with a digit and may not contain '-' without a revision.
    # A pre-release (0.3.0-rc1, 0.0.0-dev) takes '~', which sorts before the release; commits
    # after a tag (git describe's -3-gabc1234) and -dirty take '+', which sorts after it.
    post=()
    base=${v%-dirty}
    if [[ ! $base =~ ^([0-9]+\.[0-9]+\.[0-9]+)(-([0-9A-Za-z.]+))?(-([0-9]+)-g([0-9a-f]+))?$ ]]; then
      echo "version '$v' cannot be turned into a Debian version" >&2; exit 1
    fi
    out=${BASH_REMATCH[1]}
    [ -n "${BASH_REMATCH[3]}" ] && out+="~${BASH_REMATCH[3]}"
    [ -n "${BASH_REMATCH[5]}" ] && post+=("${BASH_REMATCH[5]}" "g${BASH_REMATCH[6]}")
    [ "$base" != "$v" ] && post+=(dirty)
    if [ ${#post[@]} -gt 0 ]; then out+="+$(IFS=.; echo "${post[*]}")"; fi
    echo "$out" ;;
  windows)
    # Windows version resources hold four 16-bit numbers; the installer appends the fourth.
    if [[ $v =~ ^([0-9]+)\.([0-9]+)\.([0-9]+) ]]; then
      echo "${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[3]}"
    else
      echo 0.0.0
    fi ;;
  *) echo "usage: $0 [deb|windows]" >&2; exit 2 ;;
esac

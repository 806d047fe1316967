#!/usr/bin/env bash
# make test-mutations: breaks three things on purpose, one at a time, in a scratch worktree of
# HEAD (commit first: uncommitted edits are not in it), runs the tests that guard each, and
# shows which named tests fail. Exits non-zero if a break survives (no test fails) or a
# mutation no longer applies (the code it targets moved: update the pattern below).
#   MUTATION_E2E=1  also builds the relaxed-CSP binary with the sanitizer break and runs the
#                   real-engine TestSanitizerAloneStopsHostileContent on it (about 2 minutes)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
# Inside build/, on the same file system as frontend/node_modules: Vite refuses modules that
# resolve outside the project, so the packages are hard-linked in, not symlinked.
mkdir -p "$repo/build"
scratch="$(mktemp -d "$repo/build/mutations.XXXXXX")"
cleanup() { git -C "$repo" worktree remove --force "$scratch" >/dev/null 2>&1 || rm -rf "$scratch"; }
trap cleanup EXIT
git -C "$repo" worktree add --detach "$scratch" HEAD >/dev/null
cp -al "$repo/frontend/node_modules" "$scratch/frontend/node_modules"
mkdir -p "$scratch/frontend/dist" && touch "$scratch/frontend/dist/.gitkeep"
cd "$scratch"

survived=0
# mutate NAME FILE PYTHON-OLD PYTHON-NEW -- COMMAND...: applies one textual break, runs COMMAND,
# and reports the failing tests it names; the file is restored afterwards.
mutate() {
  local name="$1" file="$2" old="$3" new="$4"; shift 5
  printf '\n=== mutation: %s (%s)\n' "$name" "$file"
  if ! OLD="$old" NEW="$new" python3 - "$file" <<'PY'
import os, sys
p = sys.argv[1]; s = open(p).read(); old, new = os.environ["OLD"], os.environ["NEW"]
if s.count(old) != 1:
    sys.exit(1)
open(p, "w").write(s.replace(old, new))
PY
  then
    echo "    DID NOT APPLY: the pattern is not in $file exactly once"; survived=1; return
  fi
  local log; log="$(mktemp)"
  if "$@" >"$log" 2>&1; then
    echo "    SURVIVED: every test passed with the break in place"; survived=1
  else
    if ! sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -qE -- '--- FAIL: Test| FAIL +tests/.* > '; then
      echo "    FAILED WITHOUT NAMING A TEST (a build error is not a catch):"; tail -15 "$log" | sed 's/^/      /'
      survived=1; rm -f "$log"; git checkout -q -- "$file"; return
    fi
    echo "    caught by:"
    # go test -v: "--- FAIL: TestName (0.1s)"; vitest: " FAIL  tests/file.test.ts > describe > it"
    sed -E 's/\x1b\[[0-9;]*m//g' "$log" | grep -E -- '--- FAIL: Test| FAIL +tests/.* > ' |
      sed -E 's/^ +//; s/ \([0-9.]+m?s\)$//; s/^/      /' | sort -u | head -20 || true
  fi
  rm -f "$log"
  git checkout -q -- "$file"
}

vitest() { (cd frontend && npx vitest run "$@"); }

# DOMPurify's hook may keep an attribute it would drop: the break a future "allow this one
# attribute" edit would make.
sanitizer_old="    if (data.attrName === 'class') {"
sanitizer_new="    if (data.attrName === 'onerror') data.forceKeepAttr = true;
    if (data.attrName === 'class') {"
mutate "the sanitizer lets onerror through" frontend/src/lib/markdown/sanitize.ts "$sanitizer_old" "$sanitizer_new" -- \
  vitest tests/markdown-sanitize.test.ts

# save() writes what the turn's builder holds, so emptying the builder loses the text on disk.
stop_old="$(printf '\tcase out.stopped:\n\t\tstatus = StatusStopped\n')"
stop_new="$(printf '\tcase out.stopped:\n\t\tstatus = StatusStopped\n\t\tt.content.Reset()\n')"
mutate "Stop discards the partial text" internal/chat/turn.go "$stop_old" "$stop_new" -- \
  go test -count=1 -v ./internal/chat/

mutate "a storage error shows the generic title" frontend/src/lib/i18n.ts \
  "const k = isKnownKind(kind) ? kind : 'unknown';" "const k = isKnownKind(kind) && kind !== 'storage' ? kind : 'unknown';" -- \
  vitest tests/error-notice.test.ts tests/errors.test.ts tests/i18n.test.ts

if [ "${MUTATION_E2E:-}" = 1 ]; then
  e2e_sanitizer() {
    wails="$(go env GOPATH)/bin/wails"
    (cd frontend && QWENDESK_E2E_RELAXED_CSP=1 npm run build >/dev/null)
    "$wails" build -s -skipbindings -tags "webkit2_41 e2ecsp" -o qwendesk-e2e-relaxedcsp >/dev/null
    cp build/bin/qwendesk-e2e-relaxedcsp build/bin/qwendesk
    E2E_RUN='^TestSanitizerAloneStopsHostileContent$' ./scripts/e2e.sh "$PWD/build/bin/qwendesk" "$PWD/build/test-artifacts"
  }
  mutate "the sanitizer lets onerror through, in the real engine" frontend/src/lib/markdown/sanitize.ts \
    "$sanitizer_old" "$sanitizer_new" -- e2e_sanitizer
fi

echo
if [ "$survived" -ne 0 ]; then echo "make test-mutations: a break survived" >&2; exit 1; fi
echo "make test-mutations: every break was caught"

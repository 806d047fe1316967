#!/usr/bin/env bash
# Builds the test-only variants of the app the hostile-content e2e tests compare, next to
# build/bin/qwendesk (never shipped; make dist builds from scratch):
#   qwendesk-e2e-relaxedcsp    the CSP lets everything through (-tags e2ecsp, and index.html
#                              without its <meta> policy): the sanitizer alone
#   qwendesk-e2e-unsanitized   the frontend renders model HTML unsanitized: the CSP alone
#   qwendesk-e2e-nodefence     both: the control that proves the corpus would run and load
# The production frontend/dist is rebuilt at the end, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."
wails="$(go env GOPATH)/bin/wails"
ldflags="-X main.version=${VERSION:-$(scripts/version.sh)} -X main.commit=$(git rev-parse --short=12 HEAD)"
build() { # name, extra tags
  "$wails" build -s -skipbindings -tags "webkit2_41 $2" -ldflags "$ldflags" -o "$1" >/dev/null
  echo "built build/bin/$1"
}
restore() { (cd frontend && npm run build >/dev/null) && touch frontend/dist/.gitkeep; }
trap restore EXIT

frontend() { # environment for vite build
  (cd frontend && env "$@" npm run build >/dev/null)
}
# index.html's <meta> policy applies as well as the header's: the relaxed builds drop it.
frontend QWENDESK_E2E_RELAXED_CSP=1
if grep -q 'http-equiv="Content-Security-Policy"' frontend/dist/index.html; then echo "e2e-variants: the meta policy is still there" >&2; exit 1; fi
build qwendesk-e2e-relaxedcsp e2ecsp
frontend VITE_QWENDESK_E2E_UNSANITIZED=1
grep -rq QWENDESK-E2E-UNSANITIZED-BUILD frontend/dist/assets || { echo "e2e-variants: the unsanitized bundle lacks its marker" >&2; exit 1; }
build qwendesk-e2e-unsanitized ""
frontend VITE_QWENDESK_E2E_UNSANITIZED=1 QWENDESK_E2E_RELAXED_CSP=1
build qwendesk-e2e-nodefence e2ecsp

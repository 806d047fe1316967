#!/usr/bin/env bash
# Runs internal/secrets against a real keychain, headless, on Linux:
#  1. a throwaway D-Bus session with gnome-keyring's Secret Service, unlocked, in a
#     temporary HOME (the developer's own keyring is never touched); then the same
#     collection locked, as before a desktop user unlocks it;
#  2. no D-Bus at all, to prove the app falls back to the environment within the timeout.
# Needs: dbus (dbus-run-session, dbus-send), gnome-keyring. Exits non-zero on any failure.
set -euo pipefail

die() { printf 'keychain-test: %s\n' "$*" >&2; exit 1; }

cd "$(dirname "$0")/.."
[ -f go.mod ] || die "run from the repository (no go.mod found)"
for tool in go dbus-run-session dbus-send gnome-keyring-daemon timeout; do
	command -v "$tool" >/dev/null || die "'$tool' not found (apt-get install dbus gnome-keyring)"
done

# The temporary HOME must not move Go's caches or settings, or the tests would re-download
# modules: pin them to their current values first.
for v in GOPATH GOMODCACHE GOCACHE GOENV GOFLAGS GOPROXY GOSUMDB GONOSUMDB GOPRIVATE GOTOOLCHAIN; do
	export "$v=$(go env "$v")"
done

sandbox=$(mktemp -d "${TMPDIR:-/tmp}/qwendesk-keychain.XXXXXX")
trap 'rm -rf "$sandbox"' EXIT
mkdir -p "$sandbox/home" "$sandbox/data/keyrings" "$sandbox/config" "$sandbox/cache" "$sandbox/run"
chmod 700 "$sandbox/data/keyrings" "$sandbox/run"
# XDG_RUNTIME_DIR matters most: gnome-keyring finds a running daemon through
# $XDG_RUNTIME_DIR/keyring, and --unlock would otherwise talk to the developer's own.
export HOME="$sandbox/home" XDG_DATA_HOME="$sandbox/data" XDG_CONFIG_HOME="$sandbox/config" \
	XDG_CACHE_HOME="$sandbox/cache" XDG_RUNTIME_DIR="$sandbox/run"
# No display: an unlock prompt must never pop up on the developer's screen.
unset GNOME_KEYRING_CONTROL SSH_AUTH_SOCK DISPLAY WAYLAND_DISPLAY

echo "== 1/2 real Secret Service (gnome-keyring in a private D-Bus session)"
# Inside the session: with no login keyring yet, --unlock creates one with the password
# from stdin, already unlocked, so no prompt can ever appear. Then wait until the daemon
# owns org.freedesktop.secrets: otherwise D-Bus activation could start a second, locked
# daemon whose unlock prompt hangs forever.
dbus-run-session -- bash -euo pipefail -c '
	die() { printf "keychain-test: %s\n" "$*" >&2; exit 1; }
	printf pw | timeout 20 gnome-keyring-daemon --unlock --components=secrets >/dev/null \
		|| die "gnome-keyring-daemon --unlock failed (exit $?)"
	for _ in $(seq 50); do
		if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
			org.freedesktop.DBus.GetNameOwner string:org.freedesktop.secrets >/dev/null 2>&1; then
			owned=1
			break
		fi
		sleep 0.1
	done
	[ "${owned:-}" = 1 ] || die "gnome-keyring-daemon started but never owned org.freedesktop.secrets"
	[ -f "$XDG_DATA_HOME/keyrings/login.keyring" ] || die "no login keyring was created in $XDG_DATA_HOME/keyrings"
	go test -race -count=1 -tags keychain -run Keychain -v ./internal/secrets/
	# Last: locks the login collection, which stays locked for the rest of the session.
	QWENDESK_KEYCHAIN_LOCK_OK=1 go test -race -count=1 -tags keychain -run KeychainLocked -v ./internal/secrets/
' || die "real keychain tests failed"

echo "== 2/2 no D-Bus session (keychain unavailable)"
env -u DBUS_SESSION_BUS_ADDRESS DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent \
	go test -race -count=1 -tags nokeychain -run NoKeychain -v ./internal/secrets/ \
	|| die "no-keychain fallback tests failed"

echo "keychain-test: all passed"

#!/usr/bin/env bash
# Installs the reference MCP servers the internal/tools integration tests run, at pinned
# versions, into DIR (npm install --prefix: nothing global). Run again it only checks the
# installed versions, so it is fast. Tests find the servers with QWENDESK_MCP_SERVERS=DIR.
set -euo pipefail

DIR=${1:?usage: scripts/mcp-servers.sh DIR}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
# Installed packages are never committed, wherever DIR is.
[[ -f $DIR/.gitignore ]] || echo "*" >"$DIR/.gitignore"

# Pinned: a new release can rename tools the tests call. Bump both here and check the tests.
PACKAGES=(
	"@modelcontextprotocol/server-filesystem@2026.8.31"
	"@modelcontextprotocol/server-everything@2026.8.31"
)

installed() { # name version → true when DIR holds exactly that version
	local pj="$DIR/node_modules/$1/package.json"
	[[ -f $pj ]] && grep -q "\"version\": *\"$2\"" "$pj"
}

missing=()
for p in "${PACKAGES[@]}"; do
	name=${p%@*} version=${p##*@}
	installed "$name" "$version" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
	echo "mcp-servers: up to date in $DIR"
	exit 0
fi

# --no-save keeps DIR free of a package.json we would then have to keep in step.
npm install --prefix "$DIR" --no-save --no-audit --no-fund --loglevel=error "${PACKAGES[@]}"
for p in "${PACKAGES[@]}"; do
	name=${p%@*} version=${p##*@}
	installed "$name" "$version" || { echo "mcp-servers: $p did not install" >&2; exit 1; }
done
echo "mcp-servers: installed ${missing[*]} in $DIR"

#!/usr/bin/env bash
# The real-client test: SPARQLWrapper (pip, in a temporary venv) queries
# `akg serve` and must get what `akg query` gives. Run from the repository
# root after `cargo build --release`: bash tests/client/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
akg="${AKG:-${CARGO_TARGET_DIR:-target}/release/akg}"
[ -x "$akg" ] || { echo "client test: $akg is missing; run cargo build --release first" >&2; exit 1; }
work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "sparqlwrapper==2.0.0"

"$akg" --store "$work/store" build corpus --quiet
"$akg" --store "$work/store" serve --bind 127.0.0.1:0 2>"$work/serve.log" &
server=$!
for _ in $(seq 100); do
  grep -q "at http://" "$work/serve.log" && break
  sleep 0.1
done
base=$(grep -o "at http://[^/]*" "$work/serve.log" | head -1 | sed 's/^at //')
[ -n "$base" ] || { echo "client test: akg serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

"$work/venv/bin/python" tests/client/sparqlwrapper_check.py "$base/sparql" "$work/store" "$akg" queries

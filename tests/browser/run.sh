#!/usr/bin/env bash
# The real-browser test of `akg serve`'s page (tests/browser/browser.test.mjs).
#
# Installs what it needs if it is missing (Debian's chromium; playwright-core
# from package-lock.json), builds a store from corpus/ in a temp dir, starts
# `akg serve` on a free loopback port, waits for it, runs the test, and stops
# the server on exit.
#
#   bash tests/browser/run.sh                  # the binary at target/release/akg
#   AKG=path/to/akg bash tests/browser/run.sh
#   AKG_SCREENSHOT=docs/serve.png bash tests/browser/run.sh
#   AKG_DIAGRAMS="graphviz fallback" ...       # which diagrams to test (default: both)
#
# "fallback" runs the server without Graphviz on its PATH, so that the page
# gets the built-in SVG (src/svg.rs) instead of `dot -Tsvg`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
AKG="${AKG:-$root/target/release/akg}"
case "$AKG" in
  /*) ;;
  *) AKG="$PWD/$AKG" ;;
esac
DIAGRAMS="${AKG_DIAGRAMS:-graphviz fallback}"

if [ ! -x "$AKG" ]; then
  echo "browser test: no akg binary at $AKG; build it with 'cargo build --release' or set AKG" >&2
  exit 2
fi

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}
if [ ! -x /usr/bin/chromium ] && [ -z "${AKG_CHROMIUM:-}" ]; then
  echo "browser test: installing Debian's chromium" >&2
  as_root apt-get update -q >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium >&2
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "browser test: node and npm are needed (apt-get install nodejs npm)" >&2
  exit 2
fi
pinned_installed() {
  (cd "$here" && node -e 'const want = require("./package.json").dependencies["playwright-core"];
    process.exit(require("./node_modules/playwright-core/package.json").version === want ? 0 : 1)') 2>/dev/null
}
if ! pinned_installed; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) >&2
fi

tmp="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

STORE="$tmp/store"
if ! (cd "$root" && "$AKG" --store "$STORE" build corpus -q) >"$tmp/build.log" 2>&1; then
  echo "browser test: akg build failed:" >&2
  cat "$tmp/build.log" >&2
  exit 1
fi

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Starts the server (with the given PATH), waits until / answers.
start_server() {
  local path="$1"
  PORT="$(free_port)"
  URL="http://127.0.0.1:$PORT/"
  (cd "$root" && exec env PATH="$path" "$AKG" --store "$STORE" serve --bind "127.0.0.1:$PORT") \
    >"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 200); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      echo "browser test: akg serve exited:" >&2
      cat "$tmp/server.log" >&2
      exit 1
    fi
    if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$URL" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "browser test: akg serve did not answer at $URL within 20 s:" >&2
  cat "$tmp/server.log" >&2
  exit 1
}

status=0
for diagram in $DIAGRAMS; do
  case "$diagram" in
    graphviz)
      if ! command -v dot >/dev/null; then
        echo "browser test: graphviz is not installed; skipping the Graphviz diagram" >&2
        continue
      fi
      path="$PATH"
      ;;
    fallback)
      # No Graphviz on the server's PATH: the built-in SVG.
      path="$tmp/no-graphviz"
      mkdir -p "$path"
      ;;
    *)
      echo "browser test: unknown diagram '$diagram' in AKG_DIAGRAMS (graphviz, fallback)" >&2
      exit 2
      ;;
  esac
  start_server "$path"
  echo "browser test ($diagram diagram) against $URL"
  shot=""
  if [ -n "${AKG_SCREENSHOT:-}" ]; then
    shot="$AKG_SCREENSHOT"
    if [ "$diagram" = fallback ] && [[ "$DIAGRAMS" == *graphviz* ]] && command -v dot >/dev/null; then
      shot="${AKG_SCREENSHOT%.png}-fallback.png"
    fi
  fi
  if ! AKG_URL="$URL" AKG_SCREENSHOT="$shot" node "$here/browser.test.mjs"; then
    status=1
    echo "browser test ($diagram diagram) failed; server log:" >&2
    tail -n 50 "$tmp/server.log" >&2
  fi
  stop_server
done
exit "$status"

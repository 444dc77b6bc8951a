#!/usr/bin/env bash
# The scale-out bench (issue #17): one command,
#
#     bash benches/scale.sh [ARTICLES] [SHARDS]       # default: 100000 8
#
# 1. generates (or reuses) an ARTICLES-article corpus with
#    benches/gen_corpus.py;
# 2. builds it in SHARDS shards, one after the other, as SHARDS machines
#    would in parallel (`akg build --shard I/N --nquads`): wall time, peak
#    RSS, quads and file size per shard, from /usr/bin/time -v;
# 3. reduces the facts graph from the manifests (`akg facts-graph`);
# 4. starts Oxigraph server on loopback with an on-disk store and pushes
#    PUSH_SHARDS of the shard files (default 1: the whole 100k graph is
#    about 27 GB in Oxigraph, more than this machine's free disk) plus the
#    facts graph (`akg push`): quads per second;
# 5. runs every saved query through `--endpoint` on what was pushed
#    (QUERY_RUNS runs each, default 5): p50;
#
# and writes benches/results-scale.md (overwritten), with the arithmetic
# for 10 million articles on N machines from the measured rates.
#
# Environment: BENCH_DIR (default /tmp/akg-bench, never inside the
# repository), BENCH_RUN (the run's folder, default a new one in BENCH_DIR;
# an earlier run's folder reuses its finished shards and its push), BENCH_SEED (default 4), AKG (default target/release/akg),
# OXIGRAPH (default `oxigraph` on the PATH, else pip-installed into a venv
# in BENCH_DIR), PUSH_SHARDS, QUERY_RUNS, BENCH_OUT.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
ARTICLES=${1:-100000}
SHARDS=${2:-8}
BENCH_DIR=${BENCH_DIR:-/tmp/akg-bench}
BENCH_SEED=${BENCH_SEED:-4}
PUSH_SHARDS=${PUSH_SHARDS:-1}
QUERY_RUNS=${QUERY_RUNS:-5}
OUT=${BENCH_OUT:-$REPO/benches/results-scale.md}
akg=${AKG:-$REPO/target/release/akg}
die() { echo "scale: $*" >&2; exit 1; }
case "$(realpath -m "$BENCH_DIR")/" in
  "$REPO"/*) die "BENCH_DIR=$BENCH_DIR is inside the repository; choose a folder outside it" ;;
esac
[ -x "$akg" ] || die "no akg binary at $akg (cargo build --release, or set AKG)"
mkdir -p "$BENCH_DIR"
run=${BENCH_RUN:-$BENCH_DIR/scale-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$run/shards"
oxigraph=${OXIGRAPH:-$(command -v oxigraph || true)}
if [ -z "$oxigraph" ]; then
  python3 -m venv "$BENCH_DIR/oxigraph-venv"
  "$BENCH_DIR/oxigraph-venv/bin/pip" install -q 'oxigraph>=0.5,<0.6'
  oxigraph="$BENCH_DIR/oxigraph-venv/bin/oxigraph"
fi

# Wall seconds, peak RSS (MiB) of a /usr/bin/time -v log.
wall() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$1"; }

# 1. The corpus.
corpus="$BENCH_DIR/corpus-$ARTICLES"
if [ ! -f "$corpus/metadata.toml" ]; then
  python3 benches/gen_corpus.py --articles "$ARTICLES" --out "$corpus" --seed "$BENCH_SEED" >/dev/null
fi
mb=$(python3 -c "import os,sys; print(round(sum(e.stat().st_size for e in os.scandir(sys.argv[1]) if e.is_file()) / 1e6))" "$corpus")

# 2. The shards.
shard_rows=""
total_wall=0
max_wall=0
total_quads=0
for ((i = 0; i < SHARDS; i++)); do
  log="$run/shard-$i.time"
  if [ ! -f "$run/shards/part-$i.manifest.json" ]; then
    /usr/bin/time -v "$akg" build "$corpus" --shard "$i/$SHARDS" --quiet --json \
      --nquads "$run/shards/part-$i.nq.gz" >"$run/shard-$i.json" 2>"$log"
  fi
  seconds=$(wall "$log")
  built=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["articles_built"])' "$run/shard-$i.json")
  quads=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["quads"])' "$run/shards/part-$i.manifest.json")
  size=$(du -m "$run/shards/part-$i.nq.gz" | cut -f1)
  shard_rows+="| $i/$SHARDS | $built | $seconds | $(rss "$log") | $quads | $size |"$'\n'
  total_wall=$(python3 -c "print(round($total_wall + $seconds, 2))")
  max_wall=$(python3 -c "print(max($max_wall, $seconds))")
  total_quads=$((total_quads + quads))
  echo "scale: shard $i/$SHARDS: $built articles, $seconds s, $quads quads" >&2
done

# 3. The reduce.
/usr/bin/time -v "$akg" facts-graph "$run"/shards/part-*.manifest.json --nquads "$run/shards/facts.nq.gz" >/dev/null 2>"$run/reduce.time"
facts_quads=$(python3 -c "import gzip,sys; print(sum(1 for _ in gzip.open(sys.argv[1])))" "$run/shards/facts.nq.gz")

# 4. The push into Oxigraph server (on disk).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$oxigraph" serve --location "$run/oxigraph" --union-default-graph --bind "127.0.0.1:$port" >"$run/oxigraph.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 300); do
  python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/query?query=ASK%7B%7D')" 2>/dev/null && break
  sleep 0.1
done
push_files=()
pushed_quads=$facts_quads
for ((i = 0; i < PUSH_SHARDS && i < SHARDS; i++)); do
  push_files+=("$run/shards/part-$i.nq.gz")
  pushed_quads=$((pushed_quads + $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["quads"])' "$run/shards/part-$i.manifest.json")))
done
if [ ! -s "$run/push.out" ]; then
  /usr/bin/time -v "$akg" push --graph-store "http://127.0.0.1:$port/store" "${push_files[@]}" "$run/shards/facts.nq.gz" >"$run/push.out" 2>"$run/push.time"
fi
push_seconds=$(wall "$run/push.time")
push_rate=$(python3 -c "print(round($pushed_quads / max($push_seconds, 0.01)))")
store_mb=$(du -sm "$run/oxigraph" | cut -f1)

# 5. Saved queries through the endpoint.
query_rows=""
for query in queries/*.rq; do
  times=()
  for ((r = 0; r < QUERY_RUNS; r++)); do
    start=$(date +%s.%N)
    "$akg" --endpoint "http://127.0.0.1:$port/query" query "$query" --format tsv --timeout 600 >/dev/null
    times+=("$(python3 -c "import time; print(round((time.time() - $start) * 1000))")")
  done
  p50=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  query_rows+="| \`$(basename "$query")\` | $p50 |"$'\n'
done

# The report, with the arithmetic for 10 million articles.
per_article_s=$(python3 -c "print($total_wall / $ARTICLES)")
quads_per_article=$(python3 -c "print(round($total_quads / $ARTICLES))")
gzip_per_article=$(python3 -c "import glob,os; print(sum(os.path.getsize(f) for f in glob.glob('$run/shards/part-*.nq.gz')) / $ARTICLES)")
arithmetic=$(python3 - "$per_article_s" "$quads_per_article" "$push_rate" "$gzip_per_article" <<'PY'
import sys
per_article, quads_per_article, push_rate = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
gzip_bytes_per_article = float(sys.argv[4])
articles = 10_000_000
quads = articles * quads_per_article
rows = []
for machines in (1, 8, 64, 256):
    hours = articles * per_article / machines / 3600
    rows.append(f"| {machines} | {hours:,.1f} |")
push_hours = quads / push_rate / 3600
print("| Machines (2 cores each) | Extraction (hours) |\n|---:|---:|")
print("\n".join(rows))
print()
print(f"10 M articles at {quads_per_article:,} quads each are {quads / 1e9:,.1f} billion quads,"
      f" about {quads / 1e9 * 18 / 0.09:,.0f} GB of uncompressed N-Quads"
      f" and {articles * gzip_bytes_per_article / 1e9:,.0f} GB of shard files."
      f" One push into one Oxigraph server at the measured {push_rate:,} quads/s takes"
      f" {push_hours:,.1f} hours and the server needs about {quads / 90.7e6 * 26.8:,.0f} GB of disk"
      " (the 100k embedded store was 26.8 GB for 90.7 M quads): past a billion quads,"
      " index the shard files with QLever instead (README, \"At scale\").")
PY
)
{
  echo "# alliance-kg scale-out bench (issue #17)"
  echo
  echo "Written by \`bash benches/scale.sh $ARTICLES $SHARDS\` on $(date -u '+%Y-%m-%d %H:%M') UTC; overwritten by every run."
  echo
  echo "| Machine |  |"
  echo "|---|---|"
  echo "| commit | \`$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)\` |"
  echo "| cores (nproc) | $(nproc) |"
  echo "| memory | $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |"
  echo "| load average at start | $(cut -d' ' -f1-3 /proc/loadavg) |"
  echo "| akg | \`$("$akg" --version)\` |"
  echo "| Oxigraph server | \`$("$oxigraph" --version)\` |"
  echo
  echo "## Sharded extraction: $ARTICLES articles ($mb MB of text) in $SHARDS shards"
  echo
  echo "Each shard ran alone on this machine, one after the other, as $SHARDS machines would at once."
  echo
  echo "| Shard | Articles | Wall (s) | Peak RSS (MiB) | Quads | File (MiB) |"
  echo "|---|---:|---:|---:|---:|---:|"
  printf '%s' "$shard_rows"
  echo
  echo "Total: $total_wall s of shard time for $total_quads quads; on $SHARDS machines at once the slowest shard, $max_wall s, is the wall time."
  echo "The reduce (\`akg facts-graph\` over $SHARDS manifests): $(wall "$run/reduce.time") s, peak RSS $(rss "$run/reduce.time") MiB, $facts_quads quads."
  echo
  echo "## Push into Oxigraph server (on disk, loopback)"
  echo
  echo "$PUSH_SHARDS shard file(s) and the facts graph, $pushed_quads quads: $push_seconds s, **$push_rate quads/s**; peak RSS of akg push $(rss "$run/push.time") MiB; the server's store $store_mb MiB."
  echo
  echo "## Saved queries through \`--endpoint\` on what was pushed"
  echo
  echo "Whole process, $QUERY_RUNS runs each."
  echo
  echo "| Query | p50 (ms) |"
  echo "|---|---:|"
  printf '%s' "$query_rows"
  echo
  echo "## 10 million articles"
  echo
  echo "From the measured shard time ($per_article_s s of one 2-core machine per article, $(python3 -c "print(round(1 / $per_article_s, 1))") articles/s):"
  echo
  echo "$arithmetic"
} >"$OUT"
echo "scale: wrote $OUT" >&2

#!/usr/bin/env bash
# Speed and scale benchmarks of alliance-kg (issue #4): one command,
#
#     bash benches/run.sh [SIZES...]        # default: 1000 10000 100000
#
# For each size N it generates (or reuses) an N-article corpus with
# benches/gen_corpus.py, then times with /usr/bin/time -v:
#
#   1. the full build, `akg --store S build CORPUS --quiet --json`, into an
#      empty store: wall time, CPU, peak RSS, quads, store size on disk;
#   2. (on one size, 10000 by default) every saved query queries/*.rq,
#      QUERY_RUNS times each, whole process: p50 and p95;
#   3. the limit: `oxigraph dump` of the store to N-Quads and Oxigraph's own
#      bulk loader (`oxigraph load`) on that file, and build / load;
#   4. re-builds: with no change, and after one sentence is appended to one
#      article (restored afterwards), as % of the full build;
#
# then the extraction throughput with `cargo bench --bench extract`, and
# writes everything to benches/results.md (overwritten; rewritten after every
# step, so an interrupted run leaves what it measured).
#
# Environment:
#   BENCH_SIZES     sizes, if none are given as arguments
#   BENCH_DIR       work dir for corpora, stores, logs (default /tmp/akg-bench);
#                   never inside the repository
#   BENCH_SEED      corpus seed (default 4)
#   BENCH_OUT       the report (default benches/results.md)
#   AKG             the akg binary (default: `cargo build --release`, then
#                   target/release/akg)
#   OXIGRAPH        an Oxigraph CLI binary (default: pip install oxigraph,
#                   the version of Cargo.lock, into a venv in BENCH_DIR)
#   QUERY_SIZE      the size whose store the queries run on (default 10000
#                   if run, else the largest size ≤ 10000, else the smallest)
#   QUERY_RUNS      timed runs per query (default 20, after one warm-up)
#   QUERY_BUDGET    seconds per query: a slow one stops after 3 runs once
#                   over it (default 60)
#   QUERY_TIMEOUT   passed as `akg query --timeout` (default 120 s, so that
#                   the listing of every claim finishes; akg's own is 30 s)
#   RAW_MAX         largest size for the raw Oxigraph load (default 10000:
#                   the 100k dump is about 18 GB of N-Quads)
#   SKIP_CRITERION  1: skip `cargo bench --bench extract`
#   SKIP_RAW, SKIP_QUERIES, SKIP_REBUILD   1: skip that step
#   KEEP            1: keep the N-Quads dumps and raw Oxigraph stores
#                   (the akg stores and corpora are always kept)
#   BENCH_REMARK    a sentence for the report (e.g. "shared machine")
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/akg-bench}
BENCH_SEED=${BENCH_SEED:-4}
BENCH_OUT=${BENCH_OUT:-$REPO/benches/results.md}
QUERY_RUNS=${QUERY_RUNS:-20}
QUERY_BUDGET=${QUERY_BUDGET:-60}
QUERY_TIMEOUT=${QUERY_TIMEOUT:-120}
RAW_MAX=${RAW_MAX:-10000}
SKIP_CRITERION=${SKIP_CRITERION:-0}
SKIP_RAW=${SKIP_RAW:-0}
SKIP_QUERIES=${SKIP_QUERIES:-0}
SKIP_REBUILD=${SKIP_REBUILD:-0}
KEEP=${KEEP:-0}
CARGO=${CARGO:-cargo}
PYTHON=${PYTHON:-python3}
# Articles of the generated corpus that the criterion bench reads.
CRITERION_ARTICLES=${AKG_BENCH_ARTICLES:-100}
# What the one-article change appends.
APPENDED_SENTENCE="Armenia said on Tuesday that it would not send troops to the next CSTO exercises in Belarus."

if (($# > 0)); then
  SIZES=("$@")
else
  read -r -a SIZES <<<"${BENCH_SIZES:-1000 10000 100000}"
fi

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

for size in "${SIZES[@]}"; do
  [[ $size =~ ^[1-9][0-9]*$ ]] || die "size '$size' is not a positive number of articles"
done
case "$(realpath -m "$BENCH_DIR")/" in
  "$REPO"/*) die "BENCH_DIR=$BENCH_DIR is inside the repository; choose a folder outside it" ;;
esac
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
RUN_DIR="$BENCH_DIR/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$RUN_DIR"
RECORDS="$RUN_DIR/records.tsv"
: >"$RECORDS"
STARTED=$EPOCHREALTIME

# Microseconds since the epoch, from bash's EPOCHREALTIME.
now_us() {
  local t=$EPOCHREALTIME
  echo "${t//[.,]/}"
}
# Seconds between two now_us values.
seconds_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e6 }'; }

# record KIND key=value... : one line of the records file.
record() {
  local kind=$1
  shift
  local IFS=$'\t'
  printf '%s\t%s\n' "$kind" "$*" >>"$RECORDS"
}
render() {
  "$PYTHON" "$REPO/benches/report.py" render "$RECORDS" "$BENCH_OUT" ||
    log "warning: cannot write $BENCH_OUT"
}
note() {
  log "note: $*"
  record note "text=$*"
}

# A field of a `/usr/bin/time -v` report.
timev() { sed -n "s/^[[:space:]]*$2: //p" "$1" | tail -n 1; }
# A number from `akg build --json` output.
json_field() {
  "$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2" 2>/dev/null || true
}
# Bytes under a path (0 if missing).
disk_bytes() { if [[ -e $1 ]]; then du -sb "$1" | cut -f1; else echo 0; fi; }
live_generation() { echo "$1/$(cat "$1/CURRENT")"; }

# timed NAME COMMAND... : runs COMMAND under /usr/bin/time -v with stdout to
# $RUN_DIR/NAME.out, stderr to NAME.err and the time report to NAME.time;
# sets WALL_S, RSS_KB, CPU_PCT and EXIT.
timed() {
  local name=$1
  shift
  local t0 t1
  t0=$(now_us)
  EXIT=0
  /usr/bin/time -v -o "$RUN_DIR/$name.time" "$@" >"$RUN_DIR/$name.out" 2>"$RUN_DIR/$name.err" || EXIT=$?
  t1=$(now_us)
  WALL_S=$(seconds_between "$t0" "$t1")
  RSS_KB=$(timev "$RUN_DIR/$name.time" "Maximum resident set size (kbytes)")
  CPU_PCT=$(timev "$RUN_DIR/$name.time" "Percent of CPU this job got")
  if ((EXIT != 0)); then
    log "  $name failed (exit $EXIT); see $RUN_DIR/$name.err:"
    tail -n 5 "$RUN_DIR/$name.err" >&2 || true
  fi
}

# --- Tools -----------------------------------------------------------------

command -v "$PYTHON" >/dev/null || die "python3 is needed (benches/gen_corpus.py)"
if [[ ! -x /usr/bin/time ]]; then
  log "installing GNU time (Debian package 'time') for /usr/bin/time -v"
  SUDO=()
  if (($(id -u) != 0)); then SUDO=(sudo); fi
  "${SUDO[@]}" apt-get install -y time >&2 ||
    { "${SUDO[@]}" apt-get update >&2 && "${SUDO[@]}" apt-get install -y time >&2; } ||
    die "cannot install GNU time; install the 'time' package"
fi

if [[ -z ${AKG:-} ]]; then
  log "building akg: $CARGO build --release"
  (cd "$REPO" && "$CARGO" build --release --bin akg >&2) || die "cargo build --release failed"
  AKG="${CARGO_TARGET_DIR:-$REPO/target}/release/akg"
fi
[[ -x $AKG ]] || die "no akg binary at $AKG; set AKG"
AKG=$(realpath "$AKG")

OXIGRAPH_VERSION=$(awk '/^name = "oxigraph"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO/Cargo.lock")
if [[ -z ${OXIGRAPH:-} && $SKIP_RAW != 1 ]]; then
  venv="$BENCH_DIR/venv-oxigraph-${OXIGRAPH_VERSION:-latest}"
  if [[ ! -x $venv/bin/oxigraph ]]; then
    log "installing the Oxigraph CLI ${OXIGRAPH_VERSION:-latest} (PyPI 'oxigraph') into $venv"
    if "$PYTHON" -m venv "$venv" >&2 &&
      "$venv/bin/pip" install --quiet "oxigraph${OXIGRAPH_VERSION:+==$OXIGRAPH_VERSION}" >&2; then
      :
    else
      log "warning: cannot install the Oxigraph CLI; the raw-load step is skipped"
    fi
  fi
  [[ -x $venv/bin/oxigraph ]] && OXIGRAPH="$venv/bin/oxigraph"
fi
if [[ $SKIP_RAW != 1 && -z ${OXIGRAPH:-} ]]; then
  note "no Oxigraph CLI (set OXIGRAPH or allow pip install oxigraph): raw load not measured"
  SKIP_RAW=1
fi

# --- Machine ---------------------------------------------------------------

commit=$(git -C "$REPO" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [[ -n $(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  commit="$commit (with uncommitted changes)"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
QUERY_SIZE=${QUERY_SIZE:-}
if [[ -z $QUERY_SIZE ]]; then
  for size in "${SIZES[@]}"; do
    if ((size <= 10000)) && ((size > ${QUERY_SIZE:-0})); then QUERY_SIZE=$size; fi
  done
  if [[ -z $QUERY_SIZE ]]; then
    QUERY_SIZE=$(printf '%s\n' "${SIZES[@]}" | sort -n | head -n 1)
  fi
fi
record machine "status=running" "command=bash benches/run.sh ${SIZES[*]}" \
  "date=$(date -u '+%Y-%m-%d %H:%M UTC')" "commit=$commit" "nproc=$(nproc)" \
  "cpu=${cpu:-unknown}" "mem=$mem" "load=$(cut -d' ' -f1-3 /proc/loadavg)" \
  "akg=$("$AKG" --version 2>/dev/null || echo "$AKG")" \
  "rustc=$(rustc --version 2>/dev/null || echo unknown)" \
  "oxigraph=$([[ -n ${OXIGRAPH:-} ]] && "$OXIGRAPH" --version 2>/dev/null || echo 'not used')" \
  "query_size=$QUERY_SIZE" "remark=${BENCH_REMARK:-}"
render
log "sizes ${SIZES[*]}; work dir $RUN_DIR; report $BENCH_OUT"

# --- Corpora ---------------------------------------------------------------

# The generator's inputs: a corpus is reused only if they are unchanged.
corpus_key() {
  {
    echo "seed=$BENCH_SEED articles=$1"
    cat "$REPO/benches/gen_corpus.py" "$REPO"/corpus/*.txt "$REPO"/corpus/metadata.toml \
      "$REPO"/tests/fixtures/unseen/*.txt "$REPO"/tests/fixtures/unseen/metadata.toml 2>/dev/null
  } | sha256sum | cut -d' ' -f1
}

# corpus N: makes $BENCH_DIR/corpus-N (reused if its key matches); sets CORPUS.
corpus() {
  local size=$1 key
  CORPUS="$BENCH_DIR/corpus-$size"
  key=$(corpus_key "$size")
  if [[ -d $CORPUS && -f $CORPUS.key && $(cat "$CORPUS.key") == "$key" ]]; then
    log "corpus $size: reusing $CORPUS"
    GEN_S=""
    return
  fi
  log "corpus $size: generating $CORPUS"
  rm -rf "$CORPUS" "$CORPUS.tmp" "$CORPUS.key"
  local t0 t1
  t0=$(now_us)
  "$PYTHON" "$REPO/benches/gen_corpus.py" --articles "$size" --seed "$BENCH_SEED" --out "$CORPUS.tmp"
  t1=$(now_us)
  GEN_S=$(seconds_between "$t0" "$t1")
  mv "$CORPUS.tmp" "$CORPUS"
  echo "$key" >"$CORPUS.key"
}

text_bytes() { find "$1" -maxdepth 1 -name '*.txt' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'; }

# --- Steps -----------------------------------------------------------------

ORIGINAL_ARTICLE=""
MODIFIED_ARTICLE=""
restore_article() {
  if [[ -n $MODIFIED_ARTICLE && -f $ORIGINAL_ARTICLE ]]; then
    cp "$ORIGINAL_ARTICLE" "$MODIFIED_ARTICLE"
    MODIFIED_ARTICLE=""
  fi
}
trap restore_article EXIT

run_queries() {
  local size=$1 store=$2 query name rows times status t0 t1 first_us spent_s runs error query_args
  # `ASK {}` first: the floor every query pays (process start, opening
  # the store read-only).
  local files=("ASK {}" "$REPO"/queries/*.rq)
  local timeout_args=()
  [[ -n $QUERY_TIMEOUT ]] && timeout_args=(--timeout "$QUERY_TIMEOUT")
  log "queries on the $size-article store: ${#files[@]} queries, 1 warm-up + up to $QUERY_RUNS timed runs each (at least 3, then while under ${QUERY_BUDGET}s)"
  for query in "${files[@]}"; do
    if [[ -f $query ]]; then
      name=$(basename "$query" .rq)
      query_args=("$query")
    else
      name="startup (-e '$query')"
      query_args=(-e "$query")
    fi
    # Warm-up: counts the rows (without keeping them: `claims` has millions).
    t0=$(now_us)
    rows=$({
      warm_status=0
      "$AKG" --store "$store" query "${query_args[@]}" --format tsv "${timeout_args[@]}" 2>"$RUN_DIR/query-${name%% *}.err" ||
        warm_status=$?
      echo "$warm_status" >"$RUN_DIR/query-${name%% *}.status"
    } | wc -l)
    first_us=$(($(now_us) - t0))
    status=$(cat "$RUN_DIR/query-${name%% *}.status")
    rows=$((rows > 0 ? rows - 1 : 0))
    times=""
    runs=0
    t0=$(now_us)
    while ((status == 0 && runs < QUERY_RUNS)); do
      # A slow query gets fewer runs: at least 3, then only while the time
      # spent on it stays under QUERY_BUDGET seconds.
      spent_s=$((($(now_us) - t0) / 1000000))
      if ((runs >= 3 && spent_s + first_us / 1000000 > QUERY_BUDGET)); then break; fi
      local r0 r1
      r0=$(now_us)
      "$AKG" --store "$store" query "${query_args[@]}" --format tsv "${timeout_args[@]}" >/dev/null 2>>"$RUN_DIR/query-${name%% *}.err" || status=$?
      r1=$(now_us)
      ((status == 0)) || break
      times+="$(awk -v a="$r0" -v b="$r1" 'BEGIN { printf "%.3f", (b - a) / 1e3 }'),"
      runs=$((runs + 1))
    done
    error=""
    if ((status != 0)); then
      error=$(tail -n 1 "$RUN_DIR/query-${name%% *}.err" | tr '\t' ' ')
      log "  $name failed (exit $status) after $(seconds_between 0 "$first_us")s: $error"
    else
      log "  $name: $rows rows, $runs runs, median $(tr ',' '\n' <<<"${times%,}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') ms"
    fi
    record query "size=$size" "name=$name" "exit=$status" "rows=$rows" "times_ms=${times%,}" "error=$error"
  done
  render
}

run_raw() {
  local size=$1 store=$2 build_s=$3
  local dump="$BENCH_DIR/dump-$size.nq" raw="$BENCH_DIR/raw-$size"
  local quads nq_bytes dump_exit
  log "raw limit, $size articles: oxigraph dump, then oxigraph load"
  rm -rf "$dump" "$raw"
  timed "dump-$size" "$OXIGRAPH" dump --location "$(live_generation "$store")" --file "$dump"
  dump_exit=$EXIT
  if ((dump_exit != 0)); then
    record raw "size=$size" "exit=dump failed ($dump_exit)"
    rm -f "$dump"
    return
  fi
  local dump_s=$WALL_S
  quads=$(wc -l <"$dump")
  nq_bytes=$(disk_bytes "$dump")
  log "  dumped $quads quads ($((nq_bytes / 1048576)) MiB) in ${WALL_S}s; loading"
  timed "load-$size" "$OXIGRAPH" load --location "$raw" --file "$dump"
  local ratio
  ratio=$(awk -v a="$build_s" -v b="$WALL_S" 'BEGIN { if (b > 0) printf "%.3f", a / b }')
  record raw "size=$size" "exit=$EXIT" "quads=$quads" "nq_bytes=$nq_bytes" "dump_s=$dump_s" \
    "load_s=$WALL_S" "cpu_pct=$CPU_PCT" "rss_kb=$RSS_KB" "store_bytes=$(disk_bytes "$raw")" \
    "build_s=$build_s" "ratio=$ratio"
  log "  Oxigraph loaded it in ${WALL_S}s (peak RSS $((RSS_KB / 1024)) MiB); akg build / raw load = $ratio"
  if [[ $KEEP != 1 ]]; then rm -rf "$dump" "$raw"; fi
  render
}

run_rebuilds() {
  local size=$1 store=$2 corpus=$3 build_s=$4 width=$((${#1} > 6 ? ${#1} : 6)) article
  log "re-build, $size articles: nothing changed"
  timed "rebuild-$size" "$AKG" --store "$store" build "$corpus" --quiet --json
  record rebuild "size=$size" "change=no-change" "exit=$EXIT" "built=$(json_field "$RUN_DIR/rebuild-$size.out" articles_built)" \
    "wall_s=$WALL_S" "rss_kb=$RSS_KB" "pct_of_full=$(awk -v a="$WALL_S" -v b="$build_s" 'BEGIN { printf "%.3f", 100 * a / b }')"
  log "  ${WALL_S}s"

  article=$(printf '%s/bench_%0*d.txt' "$corpus" "$width" $(((size + 1) / 2)))
  [[ -f $article ]] || die "no article $article to modify"
  ORIGINAL_ARTICLE="$RUN_DIR/original-article.txt"
  cp "$article" "$ORIGINAL_ARTICLE"
  MODIFIED_ARTICLE=$article
  printf '\n%s\n' "$APPENDED_SENTENCE" >>"$article"
  log "re-build, $size articles: one sentence appended to $(basename "$article")"
  timed "incremental-$size" "$AKG" --store "$store" build "$corpus" --quiet --json
  restore_article
  record rebuild "size=$size" "change=one-article" "exit=$EXIT" "built=$(json_field "$RUN_DIR/incremental-$size.out" articles_built)" \
    "wall_s=$WALL_S" "rss_kb=$RSS_KB" "pct_of_full=$(awk -v a="$WALL_S" -v b="$build_s" 'BEGIN { printf "%.3f", 100 * a / b }')"
  log "  ${WALL_S}s"
  render
}

# --- Sizes -----------------------------------------------------------------

for size in "${SIZES[@]}"; do
  corpus "$size"
  n_bytes=$(text_bytes "$CORPUS")
  record corpus "size=$size" "bytes=$n_bytes" "gen_s=$GEN_S"

  store="$BENCH_DIR/store-$size"
  rm -rf "$store"
  log "full build, $size articles ($((n_bytes / 1000000)) MB): $(basename "$AKG") --store $store build $CORPUS --quiet --json"
  log "  free disk in $BENCH_DIR: $(df -h --output=avail "$BENCH_DIR" | tail -n 1 | tr -d ' ')"
  timed "build-$size" "$AKG" --store "$store" build "$CORPUS" --quiet --json
  build_s=$WALL_S
  store_bytes=0
  [[ -f $store/CURRENT ]] && store_bytes=$(disk_bytes "$(live_generation "$store")")
  record build "size=$size" "exit=$EXIT" "wall_s=$WALL_S" "cpu_pct=$CPU_PCT" "rss_kb=$RSS_KB" \
    "quads=$(json_field "$RUN_DIR/build-$size.out" quads)" \
    "claims=$(json_field "$RUN_DIR/build-$size.out" claims)" \
    "sentences=$(json_field "$RUN_DIR/build-$size.out" sentences)" \
    "store_bytes=$store_bytes"
  render
  if ((EXIT != 0)); then
    note "the $size-article build failed (exit $EXIT); its other steps were skipped"
    continue
  fi
  log "  ${WALL_S}s, peak RSS $((RSS_KB / 1024)) MiB, CPU $CPU_PCT, $(json_field "$RUN_DIR/build-$size.out" quads) quads, store $((store_bytes / 1048576)) MiB"

  if [[ $SKIP_QUERIES != 1 && $size == "$QUERY_SIZE" ]]; then
    run_queries "$size" "$store"
  fi
  if [[ $SKIP_RAW != 1 ]]; then
    if ((size <= RAW_MAX)); then
      run_raw "$size" "$store" "$build_s"
    else
      note "raw Oxigraph load skipped for $size articles (above RAW_MAX=$RAW_MAX)"
    fi
  fi
  if [[ $SKIP_REBUILD != 1 ]]; then
    run_rebuilds "$size" "$store" "$CORPUS" "$build_s"
  fi
done

# --- Extraction (criterion) ------------------------------------------------

if [[ $SKIP_CRITERION != 1 ]]; then
  # The generator writes the same first articles whatever the size, so this
  # small corpus is a prefix of every bigger one.
  corpus "$CRITERION_ARTICLES"
  log "extraction: cargo bench --bench extract (seed articles and the first $CRITERION_ARTICLES generated ones)"
  status=0
  (cd "$REPO" && AKG_BENCH_CORPUS=$CORPUS AKG_BENCH_ARTICLES=$CRITERION_ARTICLES \
    "$CARGO" bench --bench extract 2>&1) | tee "$RUN_DIR/criterion.log" | grep --line-buffered -E '^(akg-bench|[a-z]+/[a-z]+ |[[:space:]]+(time|thrpt):)' >&2 ||
    status=$?
  if "$PYTHON" "$REPO/benches/report.py" criterion "$RUN_DIR/criterion.log" >"$RUN_DIR/criterion.tsv"; then
    cat "$RUN_DIR/criterion.tsv" >>"$RECORDS"
  else
    note "cargo bench --bench extract gave no results (see $RUN_DIR/criterion.log)"
  fi
fi

record machine "status=complete" "total_s=$(seconds_between "${STARTED//[.,]/}" "$(now_us)")"
render
log "done in $(seconds_between "${STARTED//[.,]/}" "$(now_us)")s; wrote $BENCH_OUT (logs in $RUN_DIR)"

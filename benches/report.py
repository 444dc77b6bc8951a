#!/usr/bin/env python3
"""Helpers of benches/run.sh (Python 3 standard library only).

    python3 benches/report.py criterion LOG        parse `cargo bench --bench extract`
    python3 benches/report.py render RECORDS OUT   write the Markdown report

RECORDS is the file run.sh appends to: one record a line, a kind then
tab-separated `key=value` fields. `criterion` prints such records (kind
`extract`) for run.sh to append. `render` turns all records into OUT.
"""

import re
import sys
from pathlib import Path

UNITS = {"ps": 1e-12, "ns": 1e-9, "\u00b5s": 1e-6, "\u03bcs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}

INPUT_LINE = re.compile(r"^akg-bench input (\S+): (\d+) articles, (\d+) bytes$", re.M)
# `group/stage   time:   [low unit est unit high unit]`; criterion puts long
# names on a line of their own.
TIME_LINE = re.compile(
    r"^(\S+/\S+)\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", re.M
)


def parse_criterion(log_path):
    text = Path(log_path).read_text(encoding="utf-8", errors="replace")
    inputs = {
        name: (int(articles), int(n_bytes))
        for name, articles, n_bytes in INPUT_LINE.findall(text)
    }
    out = []
    for name, value, unit in TIME_LINE.findall(text):
        group, stage = name.split("/", 1)
        if group not in inputs or unit not in UNITS:
            continue
        articles, n_bytes = inputs[group]
        seconds = float(value) * UNITS[unit]
        out.append(
            "\t".join(
                [
                    "extract",
                    f"input={group}",
                    f"stage={stage}",
                    f"articles={articles}",
                    f"bytes={n_bytes}",
                    f"seconds={seconds:.9g}",
                    f"mb_s={n_bytes / seconds / 1e6:.4g}",
                    f"articles_s={articles / seconds:.4g}",
                ]
            )
        )
    if not out:
        raise SystemExit(f"report.py: no criterion results found in {log_path}")
    print("\n".join(out))


def read_records(path):
    records = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        kind, *fields = line.split("\t")
        record = {"kind": kind}
        for field in fields:
            key, _, value = field.partition("=")
            record[key] = value
        records.append(record)
    return records


def num(value, default=None):
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def fmt(value, digits=3):
    """A number with `digits` significant digits, thousands separated."""
    if value is None:
        return "–"
    if value == 0:
        return "0"
    if abs(value) >= 10 ** digits:
        return f"{value:,.0f}"
    text = f"{value:.{digits}g}"
    if "e" in text:
        return f"{value:.2e}"
    return text


def fmt_int(value):
    return "–" if value is None else f"{int(value):,}"


def mib(n_bytes):
    return None if n_bytes is None else n_bytes / 2**20


def percentile(sorted_values, q):
    """Nearest-rank percentile (q in 0..100) of a sorted list."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * q // 100))  # ceil
    return sorted_values[int(rank) - 1]


def table(header, rows, text_columns=1):
    """A Markdown table: the first `text_columns` columns left-aligned, the
    numbers after them right-aligned."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" if i < text_columns else "---:" for i in range(len(header))) + "|")
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)


def render(records_path, out_path):
    records = read_records(records_path)
    by_kind = {}
    for record in records:
        by_kind.setdefault(record["kind"], []).append(record)
    machine = {}
    for record in by_kind.get("machine", []):
        machine.update({k: v for k, v in record.items() if k != "kind"})
    builds = {int(r["size"]): r for r in by_kind.get("build", [])}
    corpora = {int(r["size"]): r for r in by_kind.get("corpus", [])}
    rebuilds = by_kind.get("rebuild", [])
    raws = {int(r["size"]): r for r in by_kind.get("raw", [])}
    queries = by_kind.get("query", [])
    for q in queries:
        q["times"] = sorted(float(t) for t in q.get("times_ms", "").split(",") if t)
        q["p50"] = percentile(q["times"], 50)
        q["p95"] = percentile(q["times"], 95)
    extracts = by_kind.get("extract", [])
    notes = by_kind.get("note", [])

    out = []
    out.append("# alliance-kg benchmarks (issue #4)")
    out.append("")
    status = machine.get("status", "incomplete")
    if status != "complete":
        out.append(f"**Status: {status}** (the run did not finish; the tables hold what was measured).")
        out.append("")
    out.append(
        f"Written by `{machine.get('command', 'bash benches/run.sh')}` on {machine.get('date', '?')}, "
        f"in {fmt(num(machine.get('total_s')), 3)} s. Overwritten by every run."
    )
    out.append("")
    out.append(table(
        ["Machine", ""],
        [
            ["commit", f"`{machine.get('commit', '?')}`"],
            ["cores (nproc)", machine.get("nproc", "?")],
            ["CPU", machine.get("cpu", "?")],
            ["memory", machine.get("mem", "?")],
            ["load average at start", machine.get("load", "?")],
            ["akg", f"`{machine.get('akg', '?')}`"],
            ["rustc", machine.get("rustc", "?")],
            ["Oxigraph CLI (raw load)", machine.get("oxigraph", "?")],
        ],
        text_columns=2,
    ))
    if machine.get("remark"):
        out.append("")
        out.append(f"Remark: {machine['remark']}")
    out.append("")

    # Targets of issue #4.
    out.append("## Targets")
    out.append("")
    rows = []
    analyse = [e for e in extracts if e.get("stage") == "analyse"]
    analyse.sort(key=lambda e: e.get("input") != "generated")
    if analyse:
        value = num(analyse[0]["mb_s"])
        rows.append(["extraction ≥ 20 MB/s per core",
                     f"{fmt(value)} MB/s ({analyse[0]['input']}/analyse)",
                     verdict(value is not None and value >= 20)])
    else:
        rows.append(["extraction ≥ 20 MB/s per core", "not run", ""])
    b10 = builds.get(10000)
    wall10 = num(b10.get("wall_s")) if b10 and b10.get("exit") == "0" else None
    rows.append(["10k build < 60 s", f"{fmt(wall10)} s" if wall10 is not None else "not run",
                 verdict(wall10 < 60) if wall10 is not None else ""])
    r10 = raws.get(10000)
    ratio = num(r10.get("ratio")) if r10 else None
    rows.append(["10k build ≤ 2 × raw Oxigraph load", f"{fmt(ratio)} ×" if ratio is not None else "not run",
                 verdict(ratio <= 2) if ratio is not None else ""])
    b100 = builds.get(100000)
    if b100:
        rss = num(b100.get("rss_kb"))
        ok = b100.get("exit") == "0" and rss is not None and rss * 1024 < 2 * 2**30
        rows.append(["100k build finishes, peak RSS < 2 GB",
                     f"exit {b100.get('exit')}, {fmt(mib(rss * 1024 if rss else None))} MiB",
                     verdict(ok)])
    else:
        rows.append(["100k build finishes, peak RSS < 2 GB", "not run", ""])
    query_size = machine.get("query_size")
    p50s = [q["p50"] for q in queries if q.get("exit") == "0"]
    if queries:
        worst = max((p for p in p50s if p is not None), default=None)
        failed = sum(1 for q in queries if q.get("exit") != "0")
        text = f"worst p50 {fmt(worst)} ms on the {query_size}-article store"
        if failed:
            text += f", {failed} failed"
        ok = query_size == "10000" and failed == 0 and worst is not None and worst < 100
        rows.append(["saved queries p50 < 100 ms (10k store)", text,
                     verdict(ok) if query_size == "10000" else "(not the 10k store)"])
        # A listing of the whole store (every article, every claim) costs its
        # rows, whatever the engine: its own row says how it fares, and the
        # queries whose answer stays small as the store grows are judged on
        # their own.
        articles = num(query_size) or 0
        bounded = [q for q in queries if (num(q.get("rows")) or 0) < articles]
        listings = [q for q in queries if (num(q.get("rows")) or 0) >= articles]
        if bounded and listings:
            b_worst = max((q["p50"] for q in bounded if q.get("exit") == "0" and q["p50"] is not None),
                          default=None)
            b_failed = sum(1 for q in bounded if q.get("exit") != "0")
            b_ok = query_size == "10000" and b_failed == 0 and b_worst is not None and b_worst < 100
            rows.append([f"… the {len(bounded)} answering fewer rows than there are articles",
                         f"worst p50 {fmt(b_worst)} ms" + (f", {b_failed} failed" if b_failed else ""),
                         verdict(b_ok) if query_size == "10000" else "(not the 10k store)"])
            parts = []
            for q in listings:
                if q.get("exit") == "0" and q["p50"] is not None:
                    parts.append(f"`{q['name']}` {fmt_int(num(q.get('rows')))} rows in {fmt(q['p50'])} ms "
                                 f"({fmt(q['p50'] * 1000 / num(q.get('rows')))} µs/row)")
                else:
                    parts.append(f"`{q['name']}` failed")
            rows.append(["… the listings of the whole store", "; ".join(parts), "(per row)"])
    else:
        rows.append(["saved queries p50 < 100 ms (10k store)", "not run", ""])
    inc10 = [r for r in rebuilds if r.get("size") == "10000" and r.get("change") == "one-article"]
    if inc10:
        pct = num(inc10[0].get("pct_of_full"))
        rows.append(["one-article re-build < 5 % of full (10k)", f"{fmt(pct)} %",
                     verdict(pct is not None and pct < 5)])
    else:
        rows.append(["one-article re-build < 5 % of full (10k)", "not run", ""])
    out.append(table(["Target", "Measured", "Met"], rows, text_columns=3))
    out.append("")

    if corpora:
        out.append("## Corpora")
        out.append("")
        out.append("`benches/gen_corpus.py` output: whole paragraphs of the seed articles (corpus/ and tests/fixtures/unseen/), recombined.")
        out.append("")
        out.append(table(
            ["Articles", "Text (MB)", "Bytes/article", "Generated in (s)"],
            [
                [fmt_int(size), fmt(num(c["bytes"]) / 1e6), fmt(num(c["bytes"]) / size, 4),
                 c.get("gen_s", "reused") if c.get("gen_s") else "reused"]
                for size, c in sorted(corpora.items())
            ],
        ))
        out.append("")

    if builds:
        out.append("## Full build (`akg build --quiet` into an empty store)")
        out.append("")
        rows = []
        for size, b in sorted(builds.items()):
            wall = num(b.get("wall_s"))
            quads = num(b.get("quads"))
            n_bytes = num(corpora.get(size, {}).get("bytes"))
            good = b.get("exit") == "0" and wall
            rows.append([
                fmt_int(size),
                b.get("exit"),
                fmt(wall),
                fmt(size / wall) if good else "–",
                fmt(n_bytes / wall / 1e6) if good and n_bytes else "–",
                fmt_int(quads),
                fmt(quads / wall) if good and quads else "–",
                b.get("cpu_pct", "–"),
                fmt(mib(num(b.get("rss_kb"), 0) * 1024)),
                fmt(mib(num(b.get("store_bytes")))),
                fmt_int(num(b.get("claims"))),
            ])
        out.append(table(
            ["Articles", "Exit", "Wall (s)", "Articles/s", "MB/s", "Quads", "Quads/s",
             "CPU", "Peak RSS (MiB)", "Store (MiB)", "Claims"],
            rows,
        ))
        out.append("")
        out.append("Wall time, CPU and peak RSS from `/usr/bin/time -v` around the whole process; "
                   "quads and claims from `akg build --json`; store size is `du -sb` of the live generation.")
        out.append("")

    if rebuilds:
        out.append("## Re-build (`akg build --quiet` again, incremental)")
        out.append("")
        rows = []
        for r in rebuilds:
            rows.append([
                r.get("change"),
                fmt_int(num(r["size"])),
                r.get("exit"),
                r.get("built", "–"),
                fmt(num(r.get("wall_s"))),
                fmt(num(r.get("pct_of_full"))),
                fmt(mib(num(r.get("rss_kb"), 0) * 1024)),
            ])
        out.append(table(
            ["Change", "Articles", "Exit", "Articles built", "Wall (s)", "% of full build", "Peak RSS (MiB)"],
            rows,
        ))
        out.append("")
        out.append("`no-change`: nothing changed since the full build. `one-article`: one sentence "
                   "appended to one article (restored afterwards).")
        out.append("")

    if raws:
        out.append("## The limit: Oxigraph's own bulk loader on the same quads")
        out.append("")
        rows = []
        for size, r in sorted(raws.items()):
            rows.append([
                fmt_int(size),
                r.get("exit"),
                fmt_int(num(r.get("quads"))),
                fmt(mib(num(r.get("nq_bytes")))),
                fmt(num(r.get("load_s"))),
                fmt(num(r.get("quads")) / num(r.get("load_s"))) if num(r.get("load_s")) else "–",
                r.get("cpu_pct", "–"),
                fmt(mib(num(r.get("rss_kb"), 0) * 1024)),
                fmt(mib(num(r.get("store_bytes")))),
                fmt(num(r.get("build_s"))),
                fmt(num(r.get("ratio"))),
            ])
        out.append(table(
            ["Articles", "Exit", "Quads", "N-Quads (MiB)", "Load (s)", "Quads/s", "CPU",
             "Peak RSS (MiB)", "Store (MiB)", "akg build (s)", "Build / load"],
            rows,
        ))
        out.append("")
        out.append(f"`oxigraph dump` of the built store's live generation to N-Quads, then "
                   f"`oxigraph load --location NEW --file dump.nq` ({machine.get('oxigraph', 'Oxigraph CLI')}, "
                   "default options), timed with `/usr/bin/time -v`.")
        out.append("")

    if queries:
        out.append(f"## Saved queries on the {fmt_int(num(query_size))}-article store")
        out.append("")
        rows = []
        for q in queries:
            times = q["times"]
            rows.append([
                f"`{q['name']}`",
                q.get("exit") if q.get("exit") == "0" else f"{q.get('exit')}: {q.get('error', '')}",
                fmt_int(num(q.get("rows"))),
                str(len(times)),
                fmt(q["p50"]),
                fmt(q["p95"]),
                fmt(times[0] if times else None),
                fmt(times[-1] if times else None),
                fmt(q["p50"] * 1000 / num(q.get("rows"))) if q["p50"] is not None and num(q.get("rows")) else "–",
            ])
        out.append(table(["Query", "Exit", "Rows", "Runs", "p50 (ms)", "p95 (ms)", "Min (ms)", "Max (ms)",
                          "µs/row (p50)"],
                         rows, text_columns=2))
        out.append("")
        out.append("Each is the whole process, `akg --store S query FILE --format tsv > /dev/null`, "
                   "what a user waits for (process start, opening RocksDB read-only, the query, "
                   "the output), after one untimed warm-up run. Up to QUERY_RUNS runs; a slow query gets "
                   "fewer (at least 3, then while under QUERY_BUDGET seconds). Nearest-rank percentiles. "
                   "A failed query (e.g. akg's timeout, QUERY_TIMEOUT) has no times. "
                   "A query answering at least one row per article lists the whole store "
                   "(every article, every claim): its time grows with the store, so the "
                   "targets table judges it per row.")
        out.append("")

    if extracts:
        out.append("## Extraction, no store, one thread (`cargo bench --bench extract`)")
        out.append("")
        rows = []
        for e in extracts:
            rows.append([
                e["input"],
                e["stage"],
                e["articles"],
                fmt(num(e["bytes"]) / 1e6),
                fmt(num(e["seconds"]) * 1e3),
                fmt(num(e["mb_s"])),
                fmt(num(e["articles_s"])),
            ])
        out.append(table(["Input", "Stage", "Articles", "MB", "Time (ms)", "MB/s", "Articles/s"],
                         rows, text_columns=2))
        out.append("")
        out.append("Criterion's point estimate of one pass over the input. `segment`: sentences only; "
                   "`mentions`: mention finding on segmented text; `doc`: `Doc::new` (segment, mentions, "
                   "dates); `analyse`: `Doc::new` plus all extractors, the per-article work of a build; "
                   "`quads`: claims to quads only. `seed` is the 15 bundled articles; `generated` the first "
                   "articles of a generated corpus (the same whatever its size).")
        out.append("")

    if notes:
        out.append("## Notes")
        out.append("")
        for note in notes:
            out.append(f"- {note.get('text', '')}")
        out.append("")

    Path(out_path).write_text("\n".join(out), encoding="utf-8")


def verdict(ok):
    return "yes" if ok else "**no**"


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "criterion":
        parse_criterion(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "render":
        render(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

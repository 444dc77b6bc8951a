#!/usr/bin/env python3
"""Writes a reproducible scale corpus for the akg benchmarks.

    python3 benches/gen_corpus.py --articles N --out DIR [--seed S]

Writes N articles `bench_000001.txt` ... into DIR, and a `metadata.toml` in
the format of `corpus/metadata.toml`. Every article recombines whole
paragraphs (non-empty lines) of several source articles, the seed corpus in
`corpus/` and the unseen-style fixtures in `tests/fixtures/unseen/`: runs of
one to four consecutive paragraphs, drawn from three to six sources and
shuffled, until the article reaches its target size (4 to 11 KB, about 8 KB
on average, so 1,000 articles make about 8 MB of text). Paragraphs are
copied whole, so the extractors see intact sentences; no two articles have
the same text. Metadata varies: most articles have an entry, with some keys
left out, full and partial dates, and titles, authors, publishers and URLs
drawn from pools. An article's date is that of the first of its paragraphs whose
source has a full date, plus zero to three days, as in an
archive where the reports of an event follow it closely: "said on Sunday"
then means about the same Sunday in every copy of a paragraph, instead of a
different day in each (which made one quote hundreds of dated facts).

The output depends only on the sources, N and the seed (Python's `random`
with an integer seed gives the same sequence on every Python 3 since 3.2),
and the first K articles are the same for every N >= K (below a million),
so a small corpus is a prefix of a big one. Articles are written one at a
time, so memory does not grow with N. Only the standard library is used.
"""

import argparse
import datetime
import hashlib
import json
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = [REPO / "corpus", REPO / "tests" / "fixtures" / "unseen"]

ID_PREFIX = "bench_"
# Target size of one article's text, drawn uniformly in this range.
MIN_BYTES = 4_000
MAX_BYTES = 11_100
# Sources mixed into one article, and the length of a run of consecutive
# paragraphs taken from one source.
MIN_SOURCES, MAX_SOURCES = 3, 6
MIN_RUN, MAX_RUN = 1, 4

# Metadata: how often each key is present (an article has an entry at all
# with probability P_ENTRY).
P_ENTRY = 0.9
P_TITLE = 0.9
P_DATE = 0.85
P_AUTHOR = 0.5
P_PUBLISHER = 0.75
P_URL = 0.4

TITLE_PREFIXES = [
    "",
    "",
    "",
    "Analysis: ",
    "Opinion: ",
    "Explainer: ",
    "Update: ",
    "Comment: ",
    "In depth: ",
]
TITLE_EXTRA = [
    "Russia-led bloc under strain",
    "Yerevan weighs its options",
    "what the summit left unsaid",
    "Moscow's allies hedge their bets",
    "the view from Astana",
    "a treaty without teeth?",
    "border tensions return",
    "peacekeepers and their limits",
    "the alliance at thirty",
    "Minsk stays close",
]
PUBLISHERS = [
    "The National",
    "Carnegie Moscow Center",
    "Eurasia Review",
    "Eurasia Wire",
    "Eastern Flank Analysis",
    "South Caucasus Review",
    "Fergana Valley Herald",
    "Ostpolitik Rundschau",
    "Steppe Monitor",
    "South Caucasus Wire",
    "Oxus Weekly",
    "Defence Desk",
    "Steppe Ledger",
    "Caspian Dispatch",
    "Pamir Times Review",
    "Baltic-Black Sea Observer",
]
AUTHORS = [
    "Kirill Krivosheev",
    "Dana Sergazina",
    "Anna Petrosyan",
    "Timur Abdullaev",
    "Olga Ivanova",
    "Rustam Nazarov",
    "Jane Whitfield",
    "Marat Dzhumabaev",
    "Lusine Hakobyan",
    "Pavel Sokolov",
    "Aigerim Bekova",
    "Thomas Keller",
    "Anna Petrosyan and Pavel Sokolov",
]
MIN_YEAR, MAX_YEAR = 2015, 2025
TITLE_LINE = re.compile(r'^\s*title\s*=\s*("(?:[^"\\]|\\.)*")')
SECTION_LINE = re.compile(r'^\s*\[articles\.(?:"([^"]+)"|([A-Za-z0-9_-]+))\s*\]')
DATE_LINE = re.compile(r'^\s*date\s*=\s*"(\d{4})-(\d{2})-(\d{2})"')
MAX_LAG_DAYS = 3


def read_sources(dirs):
    """Returns [(id, [paragraph, ...], date or None), ...] and the source
    titles, sorted by id."""
    sources = []
    titles = []
    for folder in dirs:
        dates = read_dates(folder / "metadata.toml")
        for path in sorted(folder.glob("*.txt")):
            text = path.read_text(encoding="utf-8-sig")
            paragraphs = [line.strip() for line in text.split("\n")]
            paragraphs = [p for p in paragraphs if p]
            if paragraphs:
                sources.append((path.stem, paragraphs, dates.get(path.stem)))
        titles.extend(read_titles(folder / "metadata.toml"))
    if len(sources) < MAX_SOURCES:
        raise SystemExit(
            f"gen_corpus: found {len(sources)} source articles, need at least "
            f"{MAX_SOURCES}; check --sources"
        )
    return sources, sorted(set(titles))


def read_dates(path):
    """{article id: datetime.date} for the full `date = "YYYY-MM-DD"` values
    of a metadata file (line matches, like read_titles)."""
    if not path.exists():
        return {}
    dates = {}
    current = None
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        section = SECTION_LINE.match(line)
        if section:
            current = section.group(1) or section.group(2)
            continue
        match = DATE_LINE.match(line)
        if match and current is not None:
            try:
                dates[current] = datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
    return dates


def read_titles(path):
    """The `title = "..."` values of a metadata file. A line match is enough
    for these files, and works where Python lacks tomllib (before 3.11)."""
    if not path.exists():
        return []
    titles = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        match = TITLE_LINE.match(line)
        if match:
            # TOML basic-string escapes are a subset of JSON's.
            titles.append(json.loads(match.group(1)))
    return titles


def toml_string(value):
    """A TOML basic string."""
    out = ['"']
    for ch in value:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append(ch)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def article_text(rng, sources):
    """One article: shuffled runs of whole paragraphs from several sources,
    and the date of the source of its first paragraph that has one (or None)."""
    target = rng.randint(MIN_BYTES, MAX_BYTES)
    order = list(range(len(sources)))
    rng.shuffle(order)
    n_sources = rng.randint(MIN_SOURCES, MAX_SOURCES)
    runs = []
    lead_date = None
    size = 0
    used = 0
    # Take runs until the article is big enough; open more sources if the
    # chosen ones run dry.
    while size < target and used < len(order):
        chosen = order[used : used + n_sources]
        used += len(chosen)
        pool = []
        for idx in chosen:
            paragraphs = sources[idx][1]
            start = 0
            while start < len(paragraphs):
                length = rng.randint(MIN_RUN, MAX_RUN)
                pool.append((idx, paragraphs[start : start + length]))
                start += length
        rng.shuffle(pool)
        for idx, run in pool:
            if lead_date is None:
                lead_date = sources[idx][2]
            runs.append(run)
            size += sum(len(p.encode("utf-8")) + 2 for p in run)
            if size >= target:
                break
    return "\n\n".join(p for run in runs for p in run) + "\n", lead_date


def article_meta(rng, titles, lead_date):
    """Metadata lines for one article, or None for no entry."""
    if rng.random() >= P_ENTRY:
        return None
    meta = []
    if rng.random() < P_TITLE:
        title = rng.choice(TITLE_PREFIXES) + rng.choice(titles)
        if rng.random() < 0.3:
            title += " - " + rng.choice(TITLE_EXTRA)
        meta.append(("title", title))
    if lead_date is not None:
        when = lead_date + datetime.timedelta(days=rng.randint(0, MAX_LAG_DAYS))
    else:
        when = datetime.date(rng.randint(MIN_YEAR, MAX_YEAR), rng.randint(1, 12), rng.randint(1, 28))
    year, month, day = when.year, when.month, when.day
    if rng.random() < P_DATE:
        kind = rng.random()
        if kind < 0.8:
            date = f"{year:04}-{month:02}-{day:02}"
        elif kind < 0.92:
            date = f"{year:04}-{month:02}"
        else:
            date = f"{year:04}"
        meta.append(("date", date))
    if rng.random() < P_AUTHOR:
        meta.append(("author", rng.choice(AUTHORS)))
    publisher = rng.choice(PUBLISHERS)
    if rng.random() < P_PUBLISHER:
        meta.append(("publisher", publisher))
    if rng.random() < P_URL:
        slug = "".join(c if c.isalnum() else "-" for c in publisher.lower())
        meta.append(("url", f"https://{slug}.example.org/{year}/{rng.randrange(10**8):08}"))
    return meta


def clear_output(out, force):
    existing = [p for p in out.iterdir()] if out.exists() else []
    if not existing:
        return
    if not force:
        raise SystemExit(
            f"gen_corpus: {out} is not empty; choose a new folder or pass --force "
            f"to replace its {ID_PREFIX}*.txt and metadata.toml"
        )
    for path in existing:
        if path.name == "metadata.toml" or (
            path.name.startswith(ID_PREFIX) and path.suffix == ".txt"
        ):
            path.unlink()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, required=True, help="how many articles")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=4, help="random seed (default 4)")
    parser.add_argument(
        "--sources",
        type=Path,
        nargs="+",
        default=DEFAULT_SOURCES,
        help="folders of source articles (default: corpus/ and tests/fixtures/unseen/)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace a corpus already in --out"
    )
    args = parser.parse_args()
    if args.articles < 1:
        parser.error("--articles must be at least 1")

    started = time.monotonic()
    sources, titles = read_sources(args.sources)
    if not titles:
        titles = [paragraphs[0][:100] for _, paragraphs, _ in sources]
    args.out.mkdir(parents=True, exist_ok=True)
    clear_output(args.out, args.force)

    rng = random.Random(args.seed)
    width = max(6, len(str(args.articles)))
    seen = set()
    n_bytes = 0
    report_every = max(1, args.articles // 10)
    with open(args.out / "metadata.toml", "w", encoding="utf-8", newline="\n") as meta_file:
        meta_file.write(
            f"# Generated by benches/gen_corpus.py --articles {args.articles} "
            f"--seed {args.seed}: recombined paragraphs of the seed articles.\n"
        )
        for number in range(1, args.articles + 1):
            article_id = f"{ID_PREFIX}{number:0{width}}"
            # A repeat of an earlier article's text is drawn again.
            while True:
                text, lead_date = article_text(rng, sources)
                data = text.encode("utf-8")
                digest = hashlib.blake2b(data, digest_size=16).digest()
                if digest not in seen:
                    seen.add(digest)
                    break
            with open(args.out / f"{article_id}.txt", "wb") as f:
                f.write(data)
            n_bytes += len(data)
            meta = article_meta(rng, titles, lead_date)
            if meta is not None:
                meta_file.write(f'\n[articles."{article_id}"]\n')
                for key, value in meta:
                    meta_file.write(f"{key} = {toml_string(value)}\n")
            if number % report_every == 0 or number == args.articles:
                elapsed = time.monotonic() - started
                print(
                    f"gen_corpus: {number}/{args.articles} articles, "
                    f"{n_bytes / 1e6:.1f} MB, {elapsed:.1f} s",
                    file=sys.stderr,
                )
    elapsed = time.monotonic() - started
    print(
        f"gen_corpus: wrote {args.articles} articles ({n_bytes} bytes, "
        f"{n_bytes / args.articles:.0f} per article) to {args.out} in {elapsed:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()

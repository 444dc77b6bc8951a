//! How the long commands (`akg build`, `akg build --shard`,
//! `akg facts-graph`, `akg push`) report: a progress bar on stderr while
//! they work ([`progress_bar`]), and the summary they write for people
//! when they are done (`--json` writes the summary types themselves), each
//! to a given `io::Write`.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use alliance_kg::build::{BuildOptions, BuildSummary, Progress};
use alliance_kg::push::PushSummary;
use alliance_kg::shard::{ReduceSummary, ShardOptions, ShardSummary};
use alliance_kg::store::StoreDir;

/// A progress bar counting `unit` (articles, quads) on stderr if `show`
/// and stderr is a terminal, else a hidden one.
pub fn progress_bar(show: bool, unit: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::hidden();
    if show && io::stderr().is_terminal() {
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template(&format!(
                "{{spinner}} {{pos}}/{{len}} {unit} [{{bar:30}}] {{rate}} eta {{eta}}"
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write| {
                    let _ = out.write_str(&rate(state.per_sec()));
                },
            ),
        );
    }
    bar
}

/// The progress callback of a library call, moving `bar`.
pub fn advance(bar: &indicatif::ProgressBar) -> impl Fn(Progress) + '_ {
    move |event| match event {
        Progress::Start(n) => bar.set_length(n),
        Progress::Advance(n) => bar.inc(n),
    }
}

/// Articles per second as the progress bar shows it: a whole number with
/// thousands separators (`1,091/s`; indicatif's `{per_sec}` gives four
/// decimals).
fn rate(per_second: f64) -> String {
    // `as` saturates: a rate not yet known (NaN, infinite) shows as 0.
    format!("{}/s", indicatif::HumanCount(per_second.round() as u64))
}

/// The build's summary for people.
pub fn write_build_summary(
    out: &mut dyn Write,
    summary: &BuildSummary,
    options: &BuildOptions,
    store: &StoreDir,
) -> io::Result<()> {
    writeln!(
        out,
        "built {} into {}",
        options.corpus.display(),
        store.path().display()
    )?;
    writeln!(
        out,
        "  articles   {} built, {} unchanged, {} removed, {} skipped",
        summary.articles_built,
        summary.articles_unchanged,
        summary.articles_removed,
        summary.articles_skipped
    )?;
    write_counts(out, summary)?;
    match summary.quads {
        Some(quads) => writeln!(out, "  triples    {quads} quads in the store")?,
        None => writeln!(
            out,
            "  triples    not counted after an incremental build (akg build --full counts them)"
        )?,
    }
    write_elapsed(out, summary.elapsed.as_secs_f64())
}

/// A shard's summary for people.
pub fn write_shard_summary(
    out: &mut dyn Write,
    summary: &ShardSummary,
    options: &ShardOptions,
) -> io::Result<()> {
    let build = &summary.build;
    writeln!(
        out,
        "built shard {}/{} of {} into {}",
        summary.shard.index,
        summary.shard.count,
        options.corpus.display(),
        summary.nquads.display()
    )?;
    writeln!(
        out,
        "  articles   {} built, {} skipped, {} in other shards",
        build.articles_built, build.articles_skipped, summary.articles_in_other_shards
    )?;
    write_counts(out, build)?;
    writeln!(
        out,
        "  triples    {} quads, manifest {}",
        build.quads.unwrap_or_default(),
        summary.manifest.display()
    )?;
    write_elapsed(out, build.elapsed.as_secs_f64())
}

/// The facts graph's summary for people.
pub fn write_facts_graph_summary(
    out: &mut dyn Write,
    summary: &ReduceSummary,
    output: &Path,
) -> io::Result<()> {
    writeln!(
        out,
        "wrote the facts graph of {} shards ({} articles) to {}",
        summary.shards,
        summary.articles,
        output.display()
    )?;
    writeln!(out, "  facts      {}", summary.facts)?;
    writeln!(out, "  triples    {} quads", summary.quads)?;
    write_elapsed(out, summary.elapsed.as_secs_f64())
}

/// A push's summary for people; `url` without credentials.
pub fn write_push_summary(out: &mut dyn Write, summary: &PushSummary, url: &str) -> io::Result<()> {
    let files = if summary.files == 1 { "file" } else { "files" };
    writeln!(out, "pushed {} {files} to {url}", summary.files)?;
    writeln!(
        out,
        "  graphs     {} ({} requests, {} retried)",
        summary.graphs, summary.requests, summary.retries
    )?;
    writeln!(out, "  triples    {} quads", summary.quads)?;
    writeln!(
        out,
        "  elapsed    {:.2} s ({} quads/s)",
        summary.elapsed.as_secs_f64(),
        indicatif::HumanCount(summary.quads_per_second().round() as u64)
    )
}

/// Sentences, entities, claims and facts per relation of a build.
fn write_counts(out: &mut dyn Write, summary: &BuildSummary) -> io::Result<()> {
    writeln!(out, "  sentences  {}", summary.sentences)?;
    writeln!(out, "  entities   {}", summary.entities)?;
    writeln!(out, "  claims     {}", summary.claims)?;
    writeln!(out, "  facts per relation:")?;
    for (relation, n) in &summary.facts {
        writeln!(out, "    {relation:<22} {n}")?;
    }
    Ok(())
}

/// The last line of a summary: the wall time.
fn write_elapsed(out: &mut dyn Write, seconds: f64) -> io::Result<()> {
    writeln!(out, "  elapsed    {seconds:.2} s")
}

#[cfg(test)]
mod tests {
    use super::rate;

    #[test]
    fn the_rate_is_a_whole_number() {
        assert_eq!(rate(1091.3585), "1,091/s");
        assert_eq!(rate(0.6), "1/s");
        assert_eq!(rate(f64::NAN), "0/s");
    }
}

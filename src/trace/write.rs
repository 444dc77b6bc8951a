//! Writes a trace: for people ([`write_text`], the span highlighted and
//! third-party text's control characters escaped) or as JSON
//! ([`write_json`]).

use std::io::{self, Write};

use super::{Trace, TracedClaim};
use crate::graph::ArticleInfo;
use crate::terminal::escape_controls;

/// How the span is marked in text output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Highlight {
    /// ANSI bold yellow (for a terminal).
    Ansi,
    /// `[[…]]` (for pipes and files).
    Brackets,
}

/// Writes a trace for people.
pub fn write_text(trace: &Trace, highlight: Highlight, out: &mut dyn Write) -> io::Result<()> {
    let (open, close) = match highlight {
        Highlight::Ansi => ("\x1b[1;33m", "\x1b[0m"),
        Highlight::Brackets => ("[[", "]]"),
    };
    for (n, fact) in trace.facts.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        put(
            out,
            &format!("{} {} {}", fact.subject, fact.relation, fact.object),
        )?;
        put(
            out,
            &format!(
                "  corroboration: {} article{} ({}); {} claim{} shown",
                fact.corroboration,
                if fact.corroboration == 1 { "" } else { "s" },
                fact.articles.join(", "),
                fact.claims.len(),
                if fact.claims.len() == 1 { "" } else { "s" },
            ),
        )?;
        for claim in &fact.claims {
            writeln!(out)?;
            put(out, &format!("  {}", article_line(&claim.article)))?;
            put(out, &format!("    {}", claim_details(claim).join(", ")))?;
            if let Some(via) = &claim.via {
                put(
                    out,
                    &format!("    via {}, {} ({})", via.person, via.role, via.role_claim),
                )?;
            }
            // Only the highlight's own escape codes reach the terminal.
            writeln!(
                out,
                "    {}{open}{}{close}{}",
                escape_controls(&claim.before),
                escape_controls(&claim.highlight),
                escape_controls(&claim.after)
            )?;
            put(out, &format!("    {}", claim.claim))?;
        }
    }
    Ok(())
}

/// Writes one line of third-party text (names, titles, sentences) with its
/// control characters shown escaped, never sent to the terminal.
fn put(out: &mut dyn Write, line: &str) -> io::Result<()> {
    writeln!(out, "{}", escape_controls(line))
}

/// `sentence 3, characters 10–42, rule …, confidence 0.85, date …, value …`.
fn claim_details(claim: &TracedClaim) -> Vec<String> {
    let mut details = Vec::new();
    if let Some(index) = claim.sentence_index {
        details.push(format!("sentence {index}"));
    }
    details.push(format!("characters {}–{}", claim.begin, claim.end));
    details.push(format!("rule {}", claim.rule));
    if let Some(confidence) = claim.confidence {
        details.push(format!("confidence {confidence:.2}"));
    }
    if let Some(date) = &claim.date {
        details.push(format!("date {date}"));
    }
    if let Some(value) = &claim.value {
        details.push(format!("value {value}"));
    }
    details
}

/// `id · “title” · date · publisher`, leaving out what is unknown.
fn article_line(article: &ArticleInfo) -> String {
    let mut parts = vec![article.id.clone()];
    if let Some(title) = &article.title {
        parts.push(format!("“{title}”"));
    }
    parts.extend(article.date.clone());
    parts.extend(article.publisher.clone());
    parts.join(" · ")
}

/// Writes a trace as pretty JSON.
pub fn write_json(trace: &Trace, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, trace)?;
    writeln!(out)
}

//! Finding quotations: quote marks paired by context (an opening mark
//! follows a space or starts a line; a closing mark follows text), so
//! “…”, «…», „…“ and straight "…" all work, mixed too. A quotation still
//! open at the end of its paragraph ends there if the next paragraph opens
//! a quote, or if it opened its own paragraph and the next holds no quote
//! mark: a speech quoted over several paragraphs, which runs on, one
//! quotation a paragraph, until a paragraph that holds a quote mark.
//! Otherwise it is none. Pure: `&str` in, spans out.

use crate::span::Span;

/// One quotation: the span of its text, without the marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quotation {
    /// The quoted text.
    pub inner: Span,
    /// The text with its marks.
    pub outer: Span,
}

/// The marks that may open or close a quotation.
pub(super) const QUOTE_MARKS: [char; 6] = ['“', '«', '„', '"', '”', '»'];

/// Finds the quotations of a text.
pub fn quotations(text: &str) -> Vec<Quotation> {
    let mut out = Vec::new();
    let lines = text.split_inclusive('\n');
    // A speech quoted over several paragraphs: opened at the start of a
    // paragraph and never closed there, it runs on through the paragraphs
    // that hold no quote mark (`"Dear colleagues, …` / `It was a hard
    // year. …`), each one quotation, until one that holds a mark.
    let mut running = false;
    for (line_start, line) in lines.scan(0usize, |pos, line| {
        let start = *pos;
        *pos += line.len();
        Some((start, line))
    }) {
        if line.trim().is_empty() {
            continue;
        }
        if running {
            if line.contains(QUOTE_MARKS) {
                running = false;
            } else {
                let lead = line.len() - line.trim_start().len();
                let end = line.trim_end().len();
                out.push(Quotation {
                    inner: Span::new(line_start + lead, line_start + end),
                    outer: Span::new(line_start + lead, line_start + end),
                });
                continue;
            }
        }
        // Only quote marks open or close a quotation: look at them alone,
        // found by their first byte (`"`, or 0xC2 and 0xE2, which lead the
        // others and some other characters) without decoding the rest.
        let mut open: Option<(usize, usize)> = None; // (mark start, inner start)
        let marks = line
            .bytes()
            .enumerate()
            .filter(|&(_, b)| matches!(b, b'"' | 0xC2 | 0xE2))
            .filter_map(|(pos, _)| line[pos..].chars().next().map(|ch| (pos, ch)))
            .filter(|(_, ch)| QUOTE_MARKS.contains(ch));
        for (pos, ch) in marks {
            let prev = line[..pos].chars().next_back();
            let next = line[pos + ch.len_utf8()..].chars().next();
            let prev_space = prev.is_none_or(|c| c.is_whitespace() || "([—–-/".contains(c));
            let next_space = next.is_none_or(char::is_whitespace);
            let is_open = match ch {
                '“' | '«' | '„' => !next_space || prev_space,
                '"' => prev_space && !next_space,
                _ => false,
            };
            let is_close = match ch {
                '”' | '»' => true,
                '“' => open.is_some() && !prev_space,
                '"' => !prev_space,
                _ => false,
            };
            if is_close {
                if let Some((mark, inner)) = open.take() {
                    if pos > inner {
                        out.push(Quotation {
                            inner: Span::new(line_start + inner, line_start + pos),
                            outer: Span::new(line_start + mark, line_start + pos + ch.len_utf8()),
                        });
                    }
                    continue;
                }
            }
            if is_open {
                open = Some((pos, pos + ch.len_utf8()));
            }
        }
        // A quotation continued in the next paragraph has no closing mark:
        // it ends with its paragraph when the next paragraph opens a quote,
        // holds no quote mark (a speech running on) or when the text ends.
        if let Some((mark, inner)) = open {
            let rest = &text[line_start + line.len()..];
            let next = rest.trim_start().split('\n').next().unwrap_or("");
            let next_starts_quote = next.starts_with(['“', '«', '„', '"']);
            let opens_paragraph = line[..mark].trim().is_empty();
            let runs_on = opens_paragraph && !next.contains(QUOTE_MARKS);
            let body_end = line.trim_end().len();
            if (next_starts_quote || runs_on)
                && body_end > inner
                && line[inner..body_end].split_whitespace().count() >= 3
            {
                running = runs_on;
                out.push(Quotation {
                    inner: Span::new(line_start + inner, line_start + body_end),
                    outer: Span::new(line_start + mark, line_start + body_end),
                });
            }
        }
    }
    out
}

/// True when `pos` lies strictly inside one of `quotes` (as [`quotations`]
/// returns them: in order and never overlapping, since one quotation at a
/// time is open).
pub(in crate::extract) fn inside_quotes(quotes: &[Quotation], pos: usize) -> bool {
    let at = quotes.partition_point(|q| q.outer.end <= pos);
    quotes.get(at).is_some_and(|q| q.outer.start < pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[&str]) {
        let got: Vec<&str> = quotations(text)
            .iter()
            .map(|q| q.inner.slice(text))
            .collect();
        assert_eq!(got, expected, "quotes in {text:?}");
    }

    #[test]
    fn pairs_marks_by_context() {
        check("He said “no” and “yes.”", &["no", "yes."]);
        check(
            "They “did nothing at all\", he told.",
            &["did nothing at all"],
        );
        check("«Non», dit-il. „Ja“, sagte er.", &["Non", "Ja"]);
        check("a \"straight\" quote and 5\" pipe", &["straight"]);
        check("“Open but never closed", &["Open but never closed"]);
        check("“First.\nSecond.”", &[]);
        check("He said “open in a clause", &[]);
        // A speech over paragraphs: each paragraph one quotation, until
        // one with a quote mark.
        check(
            "“Dear friends, welcome here.\n\nWe had a hard year.\n\n“Thank you all.”\nHe left.",
            &[
                "Dear friends, welcome here.",
                "We had a hard year.",
                "Thank you all.",
            ],
        );
        // Look-alikes of the marks' first bytes: a dash, a no-break space.
        check("“a—b” and\u{a0}«c» ‘d’ „e“", &["a—b", "c", "e"]);
    }
}

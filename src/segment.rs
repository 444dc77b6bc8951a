//! Splits an article into paragraphs and sentences, keeping byte offsets.
//!
//! Rule based and deterministic: a line break always ends a sentence (news
//! text puts headlines, captions and paragraphs on their own lines); inside a
//! line, `.`, `!`, `?` or `…` (with any closing quotes or brackets) ends a
//! sentence when white space and a capital, digit or opening quote follow,
//! unless the word before is a known abbreviation ("Mr.", "Gen.", "U.S.") or
//! an initial, or the point lies inside an open quotation. Pure: no IO.

use crate::span::Span;

/// One sentence of an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Position of the sentence in the article, from 0.
    pub index: usize,
    /// Position of its paragraph (non-empty line) in the article, from 0.
    pub paragraph: usize,
    /// Where it stands, trimmed of surrounding white space.
    pub span: Span,
}

/// Words that end with a period without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Prof", "Gen", "Col", "Lt", "Maj", "Capt", "Cpt", "Sgt", "Adm", "St",
    "Sen", "Rep", "Gov", "Pres", "Jr", "Sr", "Co", "Corp", "Inc", "Ltd", "No", "vs", "Jan", "Feb",
    "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "approx", "ca", "cf",
    "Rev", "Hon", "Amb", "Gens", "Fig", "al", "Mt", "Ft",
];

/// Segments `text` into sentences.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut line_start = 0;
    let mut paragraph = 0;
    for line in text.split_inclusive('\n') {
        let line_span = Span::new(line_start, line_start + line.len());
        line_start += line.len();
        let before = out.len();
        split_line(text, line_span, paragraph, &mut out);
        if out.len() > before {
            paragraph += 1;
        }
    }
    for (index, sentence) in out.iter_mut().enumerate() {
        sentence.index = index;
    }
    out
}

/// Longer sentences are cut at the last white space before this many bytes.
/// The extractors look back from each mention to the start of its sentence,
/// so one endless sentence made them quadratic (a 30 KB line took 26 s in
/// the fuzz build). Real sentences are far shorter.
pub const MAX_SENTENCE_BYTES: usize = 1000;

fn push_trimmed(text: &str, span: Span, paragraph: usize, out: &mut Vec<Sentence>) {
    let slice = span.slice(text);
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if trimmed.is_empty() {
        return;
    }
    let mut start = span.start + lead;
    let end = start + trimmed.len();
    while end - start > MAX_SENTENCE_BYTES {
        let mut limit = start + MAX_SENTENCE_BYTES;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[start..limit];
        // No white space at all: cut at the limit.
        let cut = match window.rfind(char::is_whitespace) {
            Some(pos) if pos > 0 => pos,
            _ => window.len(),
        };
        let piece = window[..cut].trim_end();
        out.push(Sentence {
            index: 0,
            paragraph,
            span: Span::new(start, start + piece.len()),
        });
        let rest = &text[start + cut..end];
        start = end - rest.trim_start().len();
    }
    out.push(Sentence {
        index: 0,
        paragraph,
        span: Span::new(start, end),
    });
}

fn is_open_quote(prev: Option<char>, ch: char, next: Option<char>) -> Option<bool> {
    match ch {
        '“' | '«' | '„' => Some(true),
        '”' | '»' => Some(false),
        '"' => {
            let prev_space = prev.is_none_or(|c| c.is_whitespace() || "([—–-".contains(c));
            let next_space = next.is_none_or(|c| c.is_whitespace());
            if prev_space && !next_space {
                Some(true)
            } else if !prev_space {
                Some(false)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// Bytes at which [`split_line`] must look: the first byte of a sentence
/// terminator (`.`, `!`, `?`, `…`) or of a quote mark (`"`, `“`, `„`, `”`,
/// `«`, `»`). The multi-byte ones start with 0xE2 or 0xC2, which other
/// characters share: [`is_terminator`] and [`is_open_quote`] decide.
const fn interesting_bytes() -> [bool; 256] {
    let mut table = [false; 256];
    table[b'.' as usize] = true;
    table[b'!' as usize] = true;
    table[b'?' as usize] = true;
    table[b'"' as usize] = true;
    table[0xC2] = true;
    table[0xE2] = true;
    table
}

static INTERESTING: [bool; 256] = interesting_bytes();

fn is_terminator(ch: char) -> bool {
    matches!(ch, '.' | '!' | '?' | '…')
}

/// The character starting at byte `pos` of `s` (a char boundary), if any.
fn char_at(s: &str, pos: usize) -> Option<char> {
    s.get(pos..).and_then(|rest| rest.chars().next())
}

/// Splits `line` into sentences.
///
/// Only terminators and quote marks change the state, so the scan jumps
/// from one to the next by bytes instead of decoding every character: the
/// segmenter was a tenth of extraction time.
fn split_line(text: &str, line: Span, paragraph: usize, out: &mut Vec<Sentence>) {
    let body = line.slice(text);
    let bytes = body.as_bytes();
    let mut sentence_start = 0;
    let mut inside_quote_since: Option<usize> = None;
    let mut pos = 0;
    while let Some(offset) = bytes[pos..].iter().position(|&b| INTERESTING[b as usize]) {
        pos += offset;
        let Some(ch) = char_at(body, pos) else { break };
        let after = pos + ch.len_utf8();
        let prev = body[..pos].chars().next_back();
        if let Some(open) = is_open_quote(prev, ch, char_at(body, after)) {
            inside_quote_since = if open { Some(pos) } else { None };
        }
        // An unbalanced quote must not glue a whole paragraph together. (It
        // expires as the scan passes 600 bytes; it is read only here, at a
        // terminator, so checking it here alone is the same.)
        if inside_quote_since.is_some_and(|since| pos - since > 600) {
            inside_quote_since = None;
        }
        if !is_terminator(ch) {
            pos = after;
            continue;
        }
        // Absorb runs of terminators and closing marks.
        let mut j = after;
        while let Some(c) = char_at(body, j).filter(|&c| is_terminator(c)) {
            j += c.len_utf8();
        }
        let mut closes_quote = false;
        while let Some(c) =
            char_at(body, j).filter(|c| matches!(c, '”' | '"' | '’' | '»' | ')' | ']'))
        {
            if matches!(c, '”' | '"' | '»') {
                closes_quote = true;
            }
            j += c.len_utf8();
        }
        let inside = inside_quote_since.is_some() && !closes_quote;
        if closes_quote {
            inside_quote_since = None;
        }
        let ws_end = j + (body.len() - j - body[j..].trim_start().len());
        let boundary = ws_end > j
            && char_at(body, ws_end).is_some_and(starts_sentence)
            && !(ch == '.' && is_abbreviation(body, pos))
            && !inside;
        if boundary {
            push_trimmed(
                text,
                Span::new(line.start + sentence_start, line.start + j),
                paragraph,
                out,
            );
            sentence_start = ws_end;
        }
        pos = if boundary { ws_end } else { j };
    }
    push_trimmed(
        text,
        Span::new(line.start + sentence_start, line.end),
        paragraph,
        out,
    );
}

fn starts_sentence(ch: char) -> bool {
    ch.is_uppercase() || ch.is_ascii_digit() || "“\"‘«(['„—–".contains(ch)
}

/// Whether `text` holds a full stop that ends a sentence: one that closes
/// no abbreviation or initial ("said Lt. Col. Smith" holds none).
pub(crate) fn has_full_stop(text: &str) -> bool {
    text.match_indices('.')
        .any(|(dot, _)| !is_abbreviation(text, dot))
}

/// True when the `.` at byte `dot` of `body` closes an abbreviation or initial.
fn is_abbreviation(body: &str, dot: usize) -> bool {
    let before = &body[..dot];
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || "(“\"‘".contains(c))
        .map_or(0, |p| {
            p + before[p..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[word_start..];
    if word.is_empty() {
        return false;
    }
    // Initials and dotted acronyms: "J.", "U.S.", "U.N."
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    if letters.len() == 1 && letters[0].is_uppercase() {
        return true;
    }
    if word.contains('.') && letters.iter().all(|c| c.is_uppercase()) && letters.len() <= 4 {
        return true;
    }
    ABBREVIATIONS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[&str]) {
        let got: Vec<&str> = sentences(text).iter().map(|s| s.span.slice(text)).collect();
        assert_eq!(got, expected, "segmenting {text:?}");
    }

    #[test]
    fn splits_sentences() {
        check("One. Two!  Three?", &["One.", "Two!", "Three?"]);
        check(
            "Headline\n\nBody one. Body two.\n",
            &["Headline", "Body one.", "Body two."],
        );
        check(
            "It rose 2.5 percent. Then fell.",
            &["It rose 2.5 percent.", "Then fell."],
        );
        check("no capital. after", &["no capital. after"]);
    }

    #[test]
    fn a_full_stop_is_told_from_an_abbreviation() {
        assert!(!has_full_stop(" said Lt. Col. "));
        assert!(!has_full_stop(" J. "));
        assert!(has_full_stop(" she said. Then "));
    }

    #[test]
    fn keeps_abbreviations_and_initials() {
        check(
            "Mr. Tokayev spoke. Gen. Sidorov did not.",
            &["Mr. Tokayev spoke.", "Gen. Sidorov did not."],
        );
        check(
            "The U.S. Army left. J. Smith came.",
            &["The U.S. Army left.", "J. Smith came."],
        );
        check("On Sept. 14 they met.", &["On Sept. 14 they met."]);
    }

    #[test]
    fn quotes() {
        check(
            "He said: “It is over. We leave.” Then he left.",
            &["He said: “It is over. We leave.”", "Then he left."],
        );
        check(
            "They “did nothing at all\", he told a reporter. “Of course, they are distracted.”",
            &[
                "They “did nothing at all\", he told a reporter.",
                "“Of course, they are distracted.”",
            ],
        );
        check("\"Stop.\" He went.", &["\"Stop.\"", "He went."]);
    }

    #[test]
    fn indices_and_paragraphs() {
        let text = "A b. C d.\nE f.";
        let got = sentences(text);
        assert_eq!(
            got.iter().map(|s| s.index).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert_eq!(
            got.iter().map(|s| s.paragraph).collect::<Vec<_>>(),
            vec![0, 0, 1]
        );
    }

    /// fuzz/extract: a 30 KB line of "Putin and Pashinyan " with no
    /// sentence end took 26 s to analyse; it is now cut into short pieces.
    #[test]
    fn cuts_endless_sentences_at_white_space() {
        let text = "Putin and Pashinyan ".repeat(1500);
        let got = sentences(&text);
        assert!(got.len() >= 30, "{} sentences", got.len());
        for s in &got {
            assert!(s.span.len() <= MAX_SENTENCE_BYTES, "{:?}", s.span);
        }
        let joined: Vec<&str> = got.iter().map(|s| s.span.slice(&text)).collect();
        assert_eq!(joined.join(" "), text.trim_end());
        // Without white space, at the limit, on a char boundary.
        let text = "’".repeat(1000);
        let spans: Vec<Span> = sentences(&text).iter().map(|s| s.span).collect();
        assert_eq!(
            spans,
            [
                Span::new(0, 999),
                Span::new(999, 1998),
                Span::new(1998, 2997),
                Span::new(2997, 3000)
            ]
        );
        // A real sentence is never cut.
        check("Short. Sentences stay.", &["Short.", "Sentences stay."]);
    }

    #[test]
    fn never_panics_on_odd_text() {
        for text in [
            "",
            "\n\n",
            ".",
            "“",
            "a.”",
            "é. É",
            "\u{0}. A",
            "x.\u{200f}Y",
        ] {
            let got = sentences(text);
            for s in got {
                assert!(text.get(s.span.start..s.span.end).is_some());
            }
        }
    }

    /// The segmenter before it skipped to the interesting bytes: one
    /// character at a time, from a buffer.
    fn reference(text: &str) -> Vec<Sentence> {
        let mut out = Vec::new();
        let mut line_start = 0;
        let mut paragraph = 0;
        // The characters of the current line, in one buffer for all lines.
        let mut chars = Vec::new();
        for line in text.split_inclusive('\n') {
            let line_span = Span::new(line_start, line_start + line.len());
            line_start += line.len();
            let before = out.len();
            chars.clear();
            chars.extend(line.char_indices());
            reference_line(text, line_span, &chars, paragraph, &mut out);
            if out.len() > before {
                paragraph += 1;
            }
        }
        for (index, sentence) in out.iter_mut().enumerate() {
            sentence.index = index;
        }
        out
    }

    fn reference_line(
        text: &str,
        line: Span,
        chars: &[(usize, char)],
        paragraph: usize,
        out: &mut Vec<Sentence>,
    ) {
        let body = line.slice(text);
        let mut sentence_start = 0;
        let mut inside_quote_since: Option<usize> = None;
        let mut i = 0;
        while i < chars.len() {
            let (pos, ch) = chars[i];
            let prev = i.checked_sub(1).map(|j| chars[j].1);
            let next = chars.get(i + 1).map(|&(_, c)| c);
            if let Some(open) = is_open_quote(prev, ch, next) {
                inside_quote_since = if open { Some(pos) } else { None };
            }
            // An unbalanced quote must not glue a whole paragraph together.
            if inside_quote_since.is_some_and(|since| pos - since > 600) {
                inside_quote_since = None;
            }
            if matches!(ch, '.' | '!' | '?' | '…') {
                // Absorb runs of terminators and closing marks.
                let mut j = i + 1;
                while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '…') {
                    j += 1;
                }
                let mut closes_quote = false;
                while j < chars.len() && matches!(chars[j].1, '”' | '"' | '’' | '»' | ')' | ']')
                {
                    if matches!(chars[j].1, '”' | '"' | '»') {
                        closes_quote = true;
                    }
                    j += 1;
                }
                let inside = inside_quote_since.is_some() && !closes_quote;
                if closes_quote {
                    inside_quote_since = None;
                }
                let ws_end = {
                    let mut k = j;
                    while k < chars.len() && chars[k].1.is_whitespace() {
                        k += 1;
                    }
                    k
                };
                let boundary = ws_end > j
                    && ws_end < chars.len()
                    && starts_sentence(chars[ws_end].1)
                    && !(ch == '.' && is_abbreviation(body, pos))
                    && !inside;
                if boundary {
                    let end = if j < chars.len() {
                        chars[j].0
                    } else {
                        body.len()
                    };
                    push_trimmed(
                        text,
                        Span::new(line.start + sentence_start, line.start + end),
                        paragraph,
                        out,
                    );
                    sentence_start = chars[ws_end].0;
                    i = ws_end;
                    continue;
                }
                i = j.max(i + 1);
                continue;
            }
            i += 1;
        }
        push_trimmed(
            text,
            Span::new(line.start + sentence_start, line.end),
            paragraph,
            out,
        );
    }

    /// Odd texts for [`skipping_scan_agrees_with_the_char_scan`]: every
    /// mark the segmenter looks at, with look-alike bytes (0xC2 and 0xE2
    /// lead other characters too: "—", "\u{a0}", "’").
    fn odd_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let pieces = prop::sample::select(vec![
            "Mr",
            "U.S",
            "J",
            "a",
            "Bb",
            "2",
            " ",
            "  ",
            "\n",
            "\u{a0}",
            ".",
            "!",
            "?",
            "…",
            "\"",
            "“",
            "”",
            "„",
            "«",
            "»",
            "’",
            "‘",
            ")",
            "]",
            "(",
            "—",
            "–",
            "-",
            "É",
            "é",
            "x".repeat(300).leak(),
        ]);
        prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn skipping_scan_agrees_with_the_char_scan(text in odd_text()) {
            proptest::prop_assert_eq!(sentences(&text), reference(&text));
        }
    }

    #[test]
    fn skipping_scan_agrees_on_the_bundled_articles() {
        for (path, text) in crate::bundled_texts() {
            assert_eq!(sentences(&text), reference(&text), "{}", path.display());
        }
    }
}

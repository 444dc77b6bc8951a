//! Byte spans into an article's text, and their conversion to the Unicode
//! code-point offsets that NIF and Web Annotation use in the RDF.
//!
//! Inside the program every offset is a byte offset into `Article::text`, so
//! slicing is cheap and checked by the standard library. Only `rdf/` converts
//! spans to code points, through [`CharIndex`]. This module does no IO.

use serde::Serialize;

/// A half-open byte range `[start, end)` into one article's text.
///
/// Invariant: both ends lie on UTF-8 character boundaries of that text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First byte, inclusive.
    pub start: usize,
    /// Last byte, exclusive.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes).
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The text this span covers, or `""` if it does not fit `text`.
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when `other` lies inside this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// The smallest span covering both.
    pub fn cover(&self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// Maps byte offsets of one text to code-point offsets in `O(log n)`.
///
/// It records only the multi-byte characters, so an ASCII text costs nothing.
#[derive(Clone, Debug, Default)]
pub struct CharIndex {
    /// `(byte offset just after a multi-byte char, extra bytes so far)`.
    extra: Vec<(usize, usize)>,
}

impl CharIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut extra = Vec::new();
        let mut acc = 0;
        for (byte_idx, ch) in text.char_indices() {
            let width = ch.len_utf8();
            if width > 1 {
                acc += width - 1;
                extra.push((byte_idx + width, acc));
            }
        }
        CharIndex { extra }
    }

    /// The code-point offset of byte offset `byte` (which must be a char boundary).
    pub fn char_offset(&self, byte: usize) -> usize {
        let idx = self.extra.partition_point(|&(end, _)| end <= byte);
        let extra = if idx == 0 { 0 } else { self.extra[idx - 1].1 };
        byte - extra
    }

    /// The code-point range of a byte span.
    pub fn char_span(&self, span: Span) -> (usize, usize) {
        (self.char_offset(span.start), self.char_offset(span.end))
    }
}

/// Returns the byte offset of code point `char_offset` in `text`, if it exists.
pub fn byte_offset(text: &str, char_offset: usize) -> Option<usize> {
    if char_offset == text.chars().count() {
        return Some(text.len());
    }
    text.char_indices().nth(char_offset).map(|(b, _)| b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, byte: usize, expected_char: usize) {
        let index = CharIndex::new(text);
        assert_eq!(index.char_offset(byte), expected_char, "{text:?} @ {byte}");
        assert_eq!(byte_offset(text, expected_char), Some(byte));
    }

    #[test]
    fn char_offsets() {
        check("abc", 0, 0);
        check("abc", 3, 3);
        check("a’b", 1, 1);
        check("a’b", 4, 2);
        check("a’b", 5, 3);
        check("“x” é", 3, 1);
        check("“x” é", 8, 4);
        check("🙂 ok", 4, 1);
        check("🙂 ok", 7, 4);
    }

    #[test]
    fn span_helpers() {
        let text = "Pashinyan said";
        let span = Span::new(0, 9);
        assert_eq!(span.slice(text), "Pashinyan");
        assert_eq!(Span::new(3, 100).slice(text), "");
        assert!(span.contains(Span::new(2, 4)));
        assert!(!span.contains(Span::new(8, 10)));
        assert!(span.overlaps(Span::new(8, 10)));
        assert!(!span.overlaps(Span::new(9, 10)));
        assert_eq!(span.cover(Span::new(10, 14)), Span::new(0, 14));
    }
}

//! The sentence splitter: sentences lie on char boundaries inside the text,
//! trimmed, non-empty, in order and without overlap.
#![no_main]

use alliance_kg::segment::sentences;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    let got = sentences(text);
    let mut last_end = 0;
    let mut last_paragraph = 0;
    for (index, sentence) in got.iter().enumerate() {
        let span = sentence.span;
        assert_eq!(sentence.index, index);
        assert!(span.start < span.end, "empty {span:?}");
        assert!(
            span.start >= last_end,
            "{span:?} overlaps or is out of order"
        );
        let slice = text
            .get(span.start..span.end)
            .expect("span on char boundaries");
        assert_eq!(slice, slice.trim(), "untrimmed {span:?}");
        // Paragraphs count up by at most one; a sentence never spans a line.
        assert!((last_paragraph..=last_paragraph + 1).contains(&sentence.paragraph));
        assert!(!slice.contains('\n'), "{span:?} runs across a line break");
        last_end = span.end;
        last_paragraph = sentence.paragraph;
    }
    // Every non-blank character is in some sentence.
    let covered: usize = got
        .iter()
        .map(|s| {
            s.span
                .slice(text)
                .chars()
                .filter(|c| !c.is_whitespace())
                .count()
        })
        .sum();
    assert_eq!(covered, text.chars().filter(|c| !c.is_whitespace()).count());
    assert_eq!(sentences(text), got, "not deterministic");
});

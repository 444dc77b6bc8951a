//! Text bound for a terminal, made harmless.
//!
//! Articles and file names are third-party text: a control character in
//! them (`ESC ] 0 ;` sets the window title, `ESC [ 2 J` clears the screen,
//! a carriage return overwrites the line) must not reach a terminal raw.
//! Human formats (tables, `akg trace`'s text) escape every control
//! character of the data with [`escape_controls`]; any output written to a
//! terminal goes through [`EscapeControls`]. Data formats written to a file
//! or a pipe (TSV, JSON, RDF) keep the exact text.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Whether `c` is a control character a terminal may act on: C0 (but tab
/// and line feed, which tables and lines need), DEL and C1.
fn is_unsafe_control(c: char) -> bool {
    // Cc: U+0000–U+001F and U+007F–U+009F.
    c.is_control() && c != '\t' && c != '\n'
}

/// `text` with every unsafe control character written as `\u{1b}`.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_control) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_control(c) {
            let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// A writer that escapes unsafe control characters of UTF-8 text on its way
/// to a terminal, as [`escape_controls`] does. Bytes that are not UTF-8 are
/// passed through, but never a C1 control (`0xC2 0x80..=0x9F`), even one
/// split across two writes.
pub struct EscapeControls<W: Write> {
    inner: W,
    /// A `0xC2` byte held back until the next byte shows what it starts.
    pending_c2: bool,
}

impl<W: Write> EscapeControls<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        EscapeControls {
            inner,
            pending_c2: false,
        }
    }
}

impl<W: Write> Write for EscapeControls<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = Vec::with_capacity(buf.len() + 8);
        for &byte in buf {
            if self.pending_c2 {
                self.pending_c2 = false;
                if (0x80..=0x9f).contains(&byte) {
                    let _ = write!(ByteSink(&mut out), "\\u{{{byte:x}}}");
                    continue;
                }
                out.push(0xc2);
            }
            match byte {
                0xc2 => self.pending_c2 = true,
                b'\t' | b'\n' => out.push(byte),
                0x00..=0x1f | 0x7f => {
                    let _ = write!(ByteSink(&mut out), "\\u{{{byte:x}}}");
                }
                _ => out.push(byte),
            }
        }
        self.inner.write_all(&out)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if std::mem::take(&mut self.pending_c2) {
            self.inner.write_all(&[0xc2])?;
        }
        self.inner.flush()
    }
}

/// `fmt::Write` into a byte vector.
struct ByteSink<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for ByteSink<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_made_visible_and_plain_text_is_borrowed() {
        assert!(matches!(escape_controls("Minsk, 2022"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("a\u{1b}]0;pwned\u{7}b\r\u{9b}2J\tc\n"),
            "a\\u{1b}]0;pwned\\u{7}b\\u{d}\\u{9b}2J\tc\n"
        );
        assert_eq!(
            escape_controls("Zürich “quoted” – ОДКБ"),
            "Zürich “quoted” – ОДКБ"
        );
    }

    #[test]
    fn the_writer_escapes_as_the_function_does_even_across_writes() -> io::Result<()> {
        let text = "x\u{1b}[2Jy\u{9b}z é\u{85}";
        let bytes = text.as_bytes();
        for split in 0..=bytes.len() {
            let mut out = Vec::new();
            let mut writer = EscapeControls::new(&mut out);
            writer.write_all(&bytes[..split])?;
            writer.write_all(&bytes[split..])?;
            writer.flush()?;
            assert_eq!(
                String::from_utf8_lossy(&out),
                escape_controls(text),
                "{split}"
            );
        }
        Ok(())
    }
}

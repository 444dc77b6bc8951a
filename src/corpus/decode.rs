//! Turns an article's bytes into text ([`decode`]), or says why they are not
//! text: UTF-8, UTF-16 with a byte order mark, and otherwise Windows-1252;
//! NUL bytes and control characters in the first 8 KiB tell binary files and
//! UTF-16 without a byte order mark.
//!
//! Pure: bytes in, text or an error out. Never panics, whatever the bytes.

use std::fmt;

/// How many leading bytes are inspected to tell text from binary.
const SNIFF_BYTES: usize = 8 * 1024;

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
const UTF16_LE_BOM: &[u8] = &[0xFF, 0xFE];
const UTF16_BE_BOM: &[u8] = &[0xFE, 0xFF];
const UTF32_LE_BOM: &[u8] = &[0xFF, 0xFE, 0x00, 0x00];
const UTF32_BE_BOM: &[u8] = &[0x00, 0x00, 0xFE, 0xFF];

/// How an article's bytes were decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark, which is removed from the text.
    Utf8Bom,
    /// UTF-16, little-endian, with a byte order mark.
    Utf16Le,
    /// UTF-16, big-endian, with a byte order mark.
    Utf16Be,
    /// Not UTF-8 but plausible single-byte text, read as Windows-1252 (a
    /// superset of Latin-1's printable characters).
    Windows1252,
}

impl Encoding {
    /// The encoding's usual name, e.g. `UTF-16LE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why [`decode`] could not turn bytes into article text. Each message says
/// what to do about it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// NUL bytes or control characters show the bytes are not text.
    #[error(
        "looks like a binary file, not text ({nul_bytes} NUL bytes and {control_chars} \
         other control characters in the first 8 KiB); remove it from the corpus folder \
         or save it as plain UTF-8 text"
    )]
    Binary {
        /// NUL bytes in the inspected prefix.
        nul_bytes: usize,
        /// Other control characters in the inspected prefix.
        control_chars: usize,
    },
    /// Not UTF-8, and too many control characters to be single-byte text.
    #[error(
        "not UTF-8 and no encoding could be detected ({control_chars} control characters \
         in the first 8 KiB); convert it to UTF-8 (iconv -t UTF-8) and build again"
    )]
    Undetected {
        /// Control characters in the inspected prefix, read as Windows-1252.
        control_chars: usize,
    },
    /// Starts with a UTF-8 byte order mark but is not UTF-8.
    #[error(
        "starts with a UTF-8 byte order mark but is not valid UTF-8 (bad byte at offset \
         {offset}); re-save it as UTF-8 and build again"
    )]
    InvalidUtf8 {
        /// Offset of the first invalid byte in the input.
        offset: usize,
    },
    /// Marked UTF-16 by its byte order mark but not valid UTF-16.
    #[error(
        "starts with a {encoding} byte order mark but is not valid {encoding} ({problem}); \
         convert it to UTF-8 (iconv -f {encoding} -t UTF-8) and build again"
    )]
    InvalidUtf16 {
        /// The encoding the byte order mark announced.
        encoding: Encoding,
        /// What is wrong, e.g. `unpaired surrogate at byte 6`.
        problem: String,
    },
    /// Looks like UTF-16 (every other byte NUL) but has no byte order mark.
    #[error(
        "looks like {encoding} without a byte order mark; convert it to UTF-8 \
         (iconv -f {encoding} -t UTF-8) and build again"
    )]
    Utf16WithoutBom {
        /// The byte order the NUL bytes suggest.
        encoding: Encoding,
    },
    /// Starts with a UTF-32 byte order mark.
    #[error("is UTF-32, which is not read; convert it to UTF-8 (iconv -f UTF-32 -t UTF-8) and build again")]
    Utf32,
}

/// Decodes an article's bytes, detecting the encoding.
///
/// UTF-8 (a leading byte order mark is removed), UTF-16LE and UTF-16BE with a
/// byte order mark, and otherwise Windows-1252 when the bytes look like
/// single-byte text (no NUL bytes, few control characters besides tab, line
/// feed, carriage return and form feed). Binary-looking input is an error; a
/// few stray NUL bytes in otherwise valid UTF-8 text are kept.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if bytes.starts_with(UTF32_LE_BOM) || bytes.starts_with(UTF32_BE_BOM) {
        return Err(DecodeError::Utf32);
    }
    if let Some(body) = bytes.strip_prefix(UTF16_LE_BOM) {
        return decode_utf16(body, Encoding::Utf16Le);
    }
    if let Some(body) = bytes.strip_prefix(UTF16_BE_BOM) {
        return decode_utf16(body, Encoding::Utf16Be);
    }
    let (body, encoding) = match bytes.strip_prefix(UTF8_BOM) {
        Some(body) => (body, Encoding::Utf8Bom),
        None => (bytes, Encoding::Utf8),
    };
    match std::str::from_utf8(body) {
        Ok(text) => {
            check_text(text.as_bytes())?;
            Ok((text.to_owned(), encoding))
        }
        Err(_) if encoding == Encoding::Utf8Bom => Err(DecodeError::InvalidUtf8 {
            offset: bytes.len() - body.len() + utf8_valid_prefix(body),
        }),
        Err(_) => {
            let sample = sniff_sample(body);
            let counts = count_controls(sample, true);
            if counts.nul_bytes > 0 {
                return Err(utf16_without_bom(sample).unwrap_or(DecodeError::Binary {
                    nul_bytes: counts.nul_bytes,
                    control_chars: counts.control_chars,
                }));
            }
            if too_many_controls(sample.len(), counts.control_chars) {
                return Err(DecodeError::Undetected {
                    control_chars: counts.control_chars,
                });
            }
            Ok((decode_windows_1252(body), Encoding::Windows1252))
        }
    }
}

fn utf8_valid_prefix(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(err) => err.valid_up_to(),
    }
}

fn sniff_sample(bytes: &[u8]) -> &[u8] {
    &bytes[..bytes.len().min(SNIFF_BYTES)]
}

struct ControlCounts {
    nul_bytes: usize,
    /// Control characters other than NUL, tab, line feed, carriage return
    /// and form feed.
    control_chars: usize,
    /// Whether any byte is neither whitespace nor a control character.
    has_visible: bool,
}

/// Counts control bytes. With `windows_1252`, the five bytes that encoding
/// leaves undefined count as control characters too.
fn count_controls(sample: &[u8], windows_1252: bool) -> ControlCounts {
    let mut counts = ControlCounts {
        nul_bytes: 0,
        control_chars: 0,
        has_visible: false,
    };
    for &byte in sample {
        match byte {
            0 => counts.nul_bytes += 1,
            b'\t' | b'\n' | b'\r' | 0x0C | b' ' => {}
            0x01..=0x1F | 0x7F => counts.control_chars += 1,
            0x81 | 0x8D | 0x8F | 0x90 | 0x9D if windows_1252 => counts.control_chars += 1,
            _ => counts.has_visible = true,
        }
    }
    counts
}

/// "Few" control characters: at most 2% of the sample, and always at least one.
fn too_many_controls(sample_len: usize, control_chars: usize) -> bool {
    control_chars > (sample_len / 50).max(1)
}

/// "A few stray" NUL bytes: at most 1% of the sample, and always at least one.
fn too_many_nuls(sample_len: usize, nul_bytes: usize) -> bool {
    nul_bytes > (sample_len / 100).max(1)
}

/// Rejects valid UTF-8 that is nevertheless not text.
fn check_text(utf8: &[u8]) -> Result<(), DecodeError> {
    let sample = sniff_sample(utf8);
    let counts = count_controls(sample, false);
    let binary = DecodeError::Binary {
        nul_bytes: counts.nul_bytes,
        control_chars: counts.control_chars,
    };
    if too_many_nuls(sample.len(), counts.nul_bytes) {
        return Err(utf16_without_bom(sample).unwrap_or(binary));
    }
    let has_controls = counts.nul_bytes + counts.control_chars > 0;
    if too_many_controls(sample.len(), counts.control_chars)
        || (has_controls && !counts.has_visible)
    {
        return Err(binary);
    }
    Ok(())
}

/// UTF-16 text in the Latin range has a NUL in every other byte.
fn utf16_without_bom(sample: &[u8]) -> Option<DecodeError> {
    let n_pairs = sample.len() / 2;
    if n_pairs < 2 {
        return None;
    }
    let n_even_nuls = sample.iter().step_by(2).filter(|&&byte| byte == 0).count();
    let n_odd_nuls = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&byte| byte == 0)
        .count();
    // At least 3/4 of one parity NUL and almost none of the other.
    let mostly = |n: usize| n * 4 >= n_pairs * 3;
    let hardly = |n: usize| n * 20 <= n_pairs;
    let encoding = if mostly(n_odd_nuls) && hardly(n_even_nuls) {
        Encoding::Utf16Le
    } else if mostly(n_even_nuls) && hardly(n_odd_nuls) {
        Encoding::Utf16Be
    } else {
        return None;
    };
    Some(DecodeError::Utf16WithoutBom { encoding })
}

fn decode_utf16(body: &[u8], encoding: Encoding) -> Result<(String, Encoding), DecodeError> {
    if !body.len().is_multiple_of(2) {
        return Err(DecodeError::InvalidUtf16 {
            encoding,
            problem: format!("odd length of {} bytes", body.len() + 2),
        });
    }
    let units = body.chunks_exact(2).map(|pair| match encoding {
        Encoding::Utf16Be => u16::from_be_bytes([pair[0], pair[1]]),
        _ => u16::from_le_bytes([pair[0], pair[1]]),
    });
    let mut text = String::with_capacity(body.len() / 2);
    let mut offset = 2;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(ch) => {
                text.push(ch);
                offset += 2 * ch.len_utf16();
            }
            Err(err) => {
                return Err(DecodeError::InvalidUtf16 {
                    encoding,
                    problem: format!(
                        "unpaired surrogate {:#06x} at byte {offset}",
                        err.unpaired_surrogate()
                    ),
                });
            }
        }
    }
    check_text(text.as_bytes())?;
    Ok((text, encoding))
}

/// Windows-1252's 0x80-0x9F; the five undefined bytes map to the C1 control
/// with the same value, as the WHATWG encoding standard does.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

fn decode_windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&byte| match byte {
            0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(byte - 0x80)],
            _ => char::from(byte),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::test_support::{utf16, PROSE};

    /// Name, input, and the expected text and encoding or error.
    type DecodeCase<'a> = (&'a str, Vec<u8>, Result<(&'a str, Encoding), DecodeError>);

    #[test]
    fn decode_detects_encodings_and_rejects_non_text() {
        let with_stray_nul = format!("{PROSE}\0{PROSE}");
        let emoji_utf16le = utf16("é 😀", true, false);
        let mut unpaired_surrogate = UTF16_LE_BOM.to_vec();
        unpaired_surrogate.extend_from_slice(&[b'a', 0, 0x00, 0xD8, b'b', 0]);
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let cases: Vec<DecodeCase> = vec![
            ("utf-8", b"hello".to_vec(), Ok(("hello", Encoding::Utf8))),
            ("empty", Vec::new(), Ok(("", Encoding::Utf8))),
            (
                "crlf kept",
                b"a\r\nb\x0c".to_vec(),
                Ok(("a\r\nb\x0c", Encoding::Utf8)),
            ),
            (
                "utf-8 with bom",
                b"\xef\xbb\xbfhello".to_vec(),
                Ok(("hello", Encoding::Utf8Bom)),
            ),
            (
                "utf-16le bom",
                utf16("hi", true, false),
                Ok(("hi", Encoding::Utf16Le)),
            ),
            (
                "utf-16be bom",
                utf16("hi", true, true),
                Ok(("hi", Encoding::Utf16Be)),
            ),
            (
                "utf-16le surrogate pair",
                emoji_utf16le,
                Ok(("é 😀", Encoding::Utf16Le)),
            ),
            (
                "latin-1",
                b"caf\xe9".to_vec(),
                Ok(("café", Encoding::Windows1252)),
            ),
            (
                "windows-1252 high table",
                b"\x93quoted\x94 \x80 5 \x85".to_vec(),
                Ok(("\u{201c}quoted\u{201d} € 5 …", Encoding::Windows1252)),
            ),
            (
                "stray nul kept",
                with_stray_nul.clone().into_bytes(),
                Ok((with_stray_nul.as_str(), Encoding::Utf8)),
            ),
            (
                "png header",
                png,
                Err(DecodeError::Binary {
                    nul_bytes: 3,
                    control_chars: 1,
                }),
            ),
            (
                "all nul",
                vec![0; 100],
                Err(DecodeError::Binary {
                    nul_bytes: 100,
                    control_chars: 0,
                }),
            ),
            (
                "single nul",
                vec![0],
                Err(DecodeError::Binary {
                    nul_bytes: 1,
                    control_chars: 0,
                }),
            ),
            (
                "control characters in utf-8",
                b"\x01\x02\x03 abc".to_vec(),
                Err(DecodeError::Binary {
                    nul_bytes: 0,
                    control_chars: 3,
                }),
            ),
            (
                "control characters, not utf-8",
                b"\xe9\x01\x02\x03\x04".to_vec(),
                Err(DecodeError::Undetected { control_chars: 4 }),
            ),
            (
                "unpaired surrogate",
                unpaired_surrogate,
                Err(DecodeError::InvalidUtf16 {
                    encoding: Encoding::Utf16Le,
                    problem: "unpaired surrogate 0xd800 at byte 4".to_owned(),
                }),
            ),
            (
                "odd utf-16",
                vec![0xFE, 0xFF, 0x00],
                Err(DecodeError::InvalidUtf16 {
                    encoding: Encoding::Utf16Be,
                    problem: "odd length of 3 bytes".to_owned(),
                }),
            ),
            (
                "utf-16le without bom",
                utf16(PROSE, false, false),
                Err(DecodeError::Utf16WithoutBom {
                    encoding: Encoding::Utf16Le,
                }),
            ),
            (
                "utf-16be without bom",
                utf16(PROSE, false, true),
                Err(DecodeError::Utf16WithoutBom {
                    encoding: Encoding::Utf16Be,
                }),
            ),
            (
                "bom then invalid utf-8",
                b"\xef\xbb\xbfa\xff".to_vec(),
                Err(DecodeError::InvalidUtf8 { offset: 4 }),
            ),
            (
                "utf-32",
                b"\xff\xfe\0\0h\0\0\0".to_vec(),
                Err(DecodeError::Utf32),
            ),
        ];
        for (name, bytes, expected) in cases {
            let expected = expected.map(|(text, encoding)| (text.to_owned(), encoding));
            assert_eq!(decode(&bytes), expected, "case {name:?}");
        }
    }

    #[test]
    fn decode_error_messages_say_what_to_do() {
        let errors = [
            decode(b"\xe9\x01\x02\x03\x04"),
            decode(&[0; 64]),
            decode(&utf16(PROSE, false, false)),
        ];
        for err in errors {
            let message = err.unwrap_err().to_string();
            assert!(message.starts_with(char::is_lowercase), "{message}");
            assert!(
                !message.contains('\n') && !message.ends_with('.'),
                "{message}"
            );
            assert!(
                message.contains("convert it to UTF-8") || message.contains("remove it"),
                "{message}"
            );
        }
        let undetected = decode(b"\xe9\x01\x02\x03\x04").unwrap_err().to_string();
        assert!(undetected.starts_with("not UTF-8 and no encoding could be detected"));
        assert!(undetected.ends_with("convert it to UTF-8 (iconv -t UTF-8) and build again"));
    }

    /// Decoding never panics, whatever the bytes.
    #[test]
    fn decode_survives_arbitrary_bytes() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let prefixes: [&[u8]; 5] = [b"", UTF8_BOM, UTF16_LE_BOM, UTF16_BE_BOM, UTF32_LE_BOM];
        let mut n_ok = 0;
        for round in 0..2000 {
            let len = (next() % 64) as usize;
            let mut bytes = prefixes[round % prefixes.len()].to_vec();
            bytes.extend((0..len).map(|_| (next() % 256) as u8));
            if let Ok((text, encoding)) = decode(&bytes) {
                n_ok += 1;
                if encoding == Encoding::Utf8 {
                    assert_eq!(text.as_bytes(), bytes.as_slice());
                }
            }
        }
        assert!(n_ok > 0);
    }
}

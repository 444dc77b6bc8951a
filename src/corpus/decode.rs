//! Turns an article's bytes into text ([`decode()`]), or says why they are not
//! text.
//!
//! A byte order mark decides first: UTF-8, UTF-16LE or UTF-16BE (UTF-32 is
//! refused). Without one, valid UTF-8 is UTF-8. Anything else is in a legacy
//! encoding: chardetng, Firefox's detector, guesses which one from the bytes
//! (windows-1252 for Western European text, windows-1251 for Cyrillic,
//! Shift_JIS, ...), and the file is decoded in it strictly: a byte the
//! guessed encoding does not define makes an error that names the encoding
//! and the offset, never replacement characters. `encoding_rs` does every
//! codec and the byte order marks, as in ripgrep's searcher.
//!
//! Our own heuristics decide what is not text at all, before and after any
//! codec: NUL bytes and control characters in the first 8 KiB (binary files,
//! UTF-16 without a byte order mark, bytes that no encoding makes text of).
//!
//! Pure: bytes in, text or an error out. Never panics, whatever the bytes.

use std::fmt;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::DecoderResult;

/// How many leading bytes are inspected to tell text from binary.
const SNIFF_BYTES: usize = 8 * 1024;

const UTF32_LE_BOM: &[u8] = &[0xFF, 0xFE, 0x00, 0x00];
const UTF32_BE_BOM: &[u8] = &[0x00, 0x00, 0xFE, 0xFF];

/// How an article's bytes were decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark, which is removed from the text.
    Utf8Bom,
    /// UTF-16, little-endian, with a byte order mark.
    Utf16Le,
    /// UTF-16, big-endian, with a byte order mark.
    Utf16Be,
    /// Not UTF-8 and without a byte order mark: the legacy encoding that
    /// chardetng guessed from the bytes, e.g. windows-1252 (a superset of
    /// Latin-1's printable characters) for Western European text or
    /// windows-1251 for Cyrillic.
    Legacy(&'static encoding_rs::Encoding),
}

impl Encoding {
    /// The encoding's usual name, e.g. `UTF-16LE` or `windows-1251`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Legacy(codec) => codec.name(),
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why [`decode()`] could not turn bytes into article text. Each message says
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
    /// Not UTF-8, and too many control characters to be text even in the
    /// encoding the bytes look most like.
    #[error(
        "not UTF-8 and no encoding could be detected ({control_chars} control characters \
         in the first 8 KiB read as {guess}, the closest guess); convert it to UTF-8 \
         (iconv -t UTF-8) and build again"
    )]
    Undetected {
        /// Control characters in the inspected prefix, read as `guess`.
        control_chars: usize,
        /// chardetng's guess.
        guess: Encoding,
    },
    /// Not UTF-8, and not valid in the encoding the bytes look most like
    /// either.
    #[error(
        "not UTF-8 and not valid {guess} either, the encoding it looks most like (bad byte \
         at offset {offset}); convert it to UTF-8 from its real encoding \
         (iconv -f ENCODING -t UTF-8) and build again"
    )]
    InvalidGuess {
        /// chardetng's guess.
        guess: Encoding,
        /// Offset of the first byte sequence `guess` does not define.
        offset: usize,
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
/// byte order mark, and otherwise the legacy encoding chardetng guesses, when
/// the bytes are valid in it and look like text in it (no NUL bytes, few
/// control characters besides tab, line feed, carriage return and form
/// feed, counting the bytes the encoding leaves undefined). Binary-looking
/// input is an error; a few stray NUL bytes in otherwise valid UTF-8 text
/// are kept.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    if bytes.starts_with(UTF32_LE_BOM) || bytes.starts_with(UTF32_BE_BOM) {
        return Err(DecodeError::Utf32);
    }
    if let Some((codec, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        return decode_with_bom(codec, bom_len, bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            check_text(text.as_bytes())?;
            Ok((text.to_owned(), Encoding::Utf8))
        }
        Err(_) => decode_legacy(bytes),
    }
}

/// Decodes bytes that start with the byte order mark of `codec` (UTF-8,
/// UTF-16LE or UTF-16BE), `bom_len` bytes long.
fn decode_with_bom(
    codec: &'static encoding_rs::Encoding,
    bom_len: usize,
    bytes: &[u8],
) -> Result<(String, Encoding), DecodeError> {
    let body = &bytes[bom_len..];
    let encoding = if codec == encoding_rs::UTF_8 {
        Encoding::Utf8Bom
    } else if codec == encoding_rs::UTF_16BE {
        Encoding::Utf16Be
    } else {
        Encoding::Utf16Le
    };
    if encoding != Encoding::Utf8Bom && !body.len().is_multiple_of(2) {
        return Err(DecodeError::InvalidUtf16 {
            encoding,
            problem: format!("odd length of {} bytes", bytes.len()),
        });
    }
    let text = decode_strictly(codec, body).map_err(|bad| match encoding {
        Encoding::Utf8Bom => DecodeError::InvalidUtf8 {
            offset: bom_len + bad,
        },
        _ => DecodeError::InvalidUtf16 {
            encoding,
            problem: utf16_problem(bytes, bom_len + bad, encoding),
        },
    })?;
    check_text(text.as_bytes())?;
    Ok((text, encoding))
}

/// What is wrong with the UTF-16 code unit at byte `offset` of `bytes`: as
/// the length is even, an unpaired surrogate.
fn utf16_problem(bytes: &[u8], offset: usize, encoding: Encoding) -> String {
    match bytes.get(offset..offset + 2) {
        Some(&[first, second]) => {
            let unit = match encoding {
                Encoding::Utf16Be => u16::from_be_bytes([first, second]),
                _ => u16::from_le_bytes([first, second]),
            };
            format!("unpaired surrogate {unit:#06x} at byte {offset}")
        }
        _ => format!("incomplete code unit at byte {offset}"),
    }
}

/// Decodes bytes that are neither UTF-8 nor marked by a byte order mark, in
/// the encoding chardetng guesses for them.
fn decode_legacy(bytes: &[u8]) -> Result<(String, Encoding), DecodeError> {
    let codec = guess_encoding(bytes);
    let guess = Encoding::Legacy(codec);
    let sample = sniff_sample(bytes);
    let counts = count_controls(sample, Some(codec));
    if counts.nul_bytes > 0 {
        return Err(utf16_without_bom(sample).unwrap_or(DecodeError::Binary {
            nul_bytes: counts.nul_bytes,
            control_chars: counts.control_chars,
        }));
    }
    if too_many_controls(sample.len(), counts.control_chars) {
        return Err(DecodeError::Undetected {
            control_chars: counts.control_chars,
            guess,
        });
    }
    let text = decode_strictly(codec, bytes)
        .map_err(|offset| DecodeError::InvalidGuess { guess, offset })?;
    Ok((text, guess))
}

/// chardetng's guess for bytes that are not UTF-8: the legacy encoding their
/// non-ASCII bytes look most like, windows-1252 when nothing fits better.
fn guess_encoding(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    // ISO-2022-JP is 7-bit, so valid UTF-8: it never gets here.
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, Utf8Detection::Deny)
}

/// Decodes all of `bytes` in `codec` without a byte order mark; `Err` is the
/// offset of the first byte sequence that `codec` does not define.
fn decode_strictly(codec: &'static encoding_rs::Encoding, bytes: &[u8]) -> Result<String, usize> {
    let mut decoder = codec.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len());
    let mut text = String::with_capacity(capacity);
    let mut n_read = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[n_read..], &mut text, true);
        n_read += read;
        match result {
            DecoderResult::InputEmpty => return Ok(text),
            DecoderResult::OutputFull => text.reserve(text.capacity().max(64)),
            // The bad sequence and the bytes read after it end the read part.
            DecoderResult::Malformed(bad_len, n_after) => {
                return Err(n_read.saturating_sub(usize::from(bad_len) + usize::from(n_after)))
            }
        }
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

/// Counts control bytes. With a legacy encoding, the bytes it leaves
/// undefined count as control characters too ([`undefined_high_bytes`]).
fn count_controls(sample: &[u8], legacy: Option<&'static encoding_rs::Encoding>) -> ControlCounts {
    let undefined = legacy.map(undefined_high_bytes).unwrap_or_default();
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
            0x80..=0x9F if undefined[usize::from(byte - 0x80)] => counts.control_chars += 1,
            _ => counts.has_visible = true,
        }
    }
    counts
}

/// Which of the bytes 0x80-0x9F a single-byte encoding leaves undefined.
/// The encoding standard maps them to the C1 control of the same value
/// (windows-1252's five holes, 0x81, 0x8D, 0x8F, 0x90 and 0x9D, and all
/// of them in the ISO 8859 encodings). Multi-byte encodings leave none.
fn undefined_high_bytes(codec: &'static encoding_rs::Encoding) -> [bool; 32] {
    let mut acc = [false; 32];
    if codec.is_single_byte() {
        for (undefined, byte) in acc.iter_mut().zip(0x80..=0x9F_u8) {
            let single = [byte];
            let text = codec.decode_without_bom_handling_and_without_replacement(&single);
            *undefined = text.is_none_or(|text| text.chars().all(|ch| ch.is_control()));
        }
    }
    acc
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
    let counts = count_controls(sample, None);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::test_support::{utf16, PROSE};

    const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
    const UTF16_LE_BOM: &[u8] = &[0xFF, 0xFE];
    const UTF16_BE_BOM: &[u8] = &[0xFE, 0xFF];

    /// Name, input, and the expected text and encoding or error.
    type DecodeCase<'a> = (&'a str, Vec<u8>, Result<(&'a str, Encoding), DecodeError>);

    #[test]
    fn decode_detects_encodings_and_rejects_non_text() {
        let with_stray_nul = format!("{PROSE}\0{PROSE}");
        let emoji_utf16le = utf16("é 😀", true, false);
        let mut unpaired_surrogate = UTF16_LE_BOM.to_vec();
        unpaired_surrogate.extend_from_slice(&[b'a', 0, 0x00, 0xD8, b'b', 0]);
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        let western = Encoding::Legacy(encoding_rs::WINDOWS_1252);
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
            ("latin-1", b"caf\xe9".to_vec(), Ok(("café", western))),
            (
                "windows-1252 high table",
                b"\x93quoted\x94 \x80 5 \x85".to_vec(),
                Ok(("\u{201c}quoted\u{201d} € 5 …", western)),
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
                Err(DecodeError::Undetected {
                    control_chars: 4,
                    guess: western,
                }),
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
        assert!(undetected.contains("read as windows-1252, the closest guess"));
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
            match decode(&bytes) {
                Ok((text, Encoding::Utf8)) => assert_eq!(text.as_bytes(), bytes.as_slice()),
                Ok((text, Encoding::Legacy(codec))) if codec.is_single_byte() => {
                    assert_eq!(text.chars().count(), bytes.len());
                }
                Ok(_) => {}
                Err(
                    DecodeError::InvalidUtf8 { offset } | DecodeError::InvalidGuess { offset, .. },
                ) => assert!(offset < bytes.len(), "{offset} in {bytes:?}"),
                Err(_) => continue,
            }
            n_ok += 1;
        }
        assert!(n_ok > 0);
    }

    /// Russian: "Armenia asked the CSTO (ОДКБ) for help in September 2022;
    /// the alliance did not send troops."
    const RUSSIAN: &str = "Армения обратилась к ОДКБ за помощью в сентябре 2022 года. \
        Организация Договора о коллективной безопасности не направила войска, \
        сообщил министр иностранных дел.\n";

    /// `text` in `codec`, which must be able to encode all of it.
    fn encoded(codec: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = codec.encode(text);
        assert!(!unmappable, "{} cannot encode {text:?}", codec.name());
        bytes.into_owned()
    }

    /// Text in a legacy encoding is decoded in the encoding chardetng tells
    /// from its bytes: Cyrillic is not read as windows-1252 any more.
    #[test]
    fn decode_reads_legacy_encodings_by_their_look() {
        let western = "The talks in Zürich were \u{201c}frank\u{201d}, the minister said \
            \u{2014} Kraków and Liège agreed. Café, naïve, façade.\n";
        let greek = "Η Ελλάδα είναι μέλος του ΝΑΤΟ από το 1952, δήλωσε ο υπουργός Εξωτερικών.\n";
        let japanese = "日本は北大西洋条約機構の加盟国ではないが、協力関係にある。\n";
        let cases = [
            (encoding_rs::WINDOWS_1252, western),
            (encoding_rs::WINDOWS_1251, RUSSIAN),
            // chardetng names KOI8-R text KOI8-U, which decodes it the same.
            (encoding_rs::KOI8_U, RUSSIAN),
            (encoding_rs::WINDOWS_1253, greek),
            (encoding_rs::SHIFT_JIS, japanese),
        ];
        for (codec, text) in cases {
            let bytes = encoded(codec, text);
            assert_eq!(
                decode(&bytes),
                Ok((text.to_owned(), Encoding::Legacy(codec))),
                "{}",
                codec.name()
            );
        }
    }

    /// Bytes that the encoding they look most like does not define are
    /// skipped with a message that names it, never decoded with
    /// replacement characters.
    #[test]
    fn decode_refuses_bytes_invalid_in_the_guessed_encoding() {
        // Korean in EUC-KR, with a lead byte that makes no character.
        let mut bytes = encoded(
            encoding_rs::EUC_KR,
            "한국은 나토 회원국이 아니지만 협력하고 있다.",
        );
        bytes[0] = 0xFE;
        let err = decode(&bytes).unwrap_err();
        assert_eq!(
            err,
            DecodeError::InvalidGuess {
                guess: Encoding::Legacy(encoding_rs::EUC_KR),
                offset: 0,
            }
        );
        assert_eq!(
            err.to_string(),
            "not UTF-8 and not valid EUC-KR either, the encoding it looks most like (bad byte \
             at offset 0); convert it to UTF-8 from its real encoding (iconv -f ENCODING -t \
             UTF-8) and build again"
        );
    }

    #[test]
    fn decode_strictly_gives_the_offset_of_the_first_bad_sequence() {
        let cases: [(&'static encoding_rs::Encoding, &[u8], Result<&str, usize>); 6] = [
            (encoding_rs::UTF_8, b"ab\xffcd", Err(2)),
            (encoding_rs::UTF_8, b"ab\xe2\x82", Err(2)),
            (encoding_rs::UTF_8, b"ab\xe2\x82\xac", Ok("ab€")),
            (encoding_rs::UTF_16LE, b"a\0\0\xdcb\0", Err(2)),
            (encoding_rs::EUC_KR, b"ab\xfe\xd1", Err(2)),
            (encoding_rs::WINDOWS_1251, b"\xce\xc4\xca\xc1", Ok("ОДКБ")),
        ];
        for (codec, bytes, expected) in cases {
            let expected = expected.map(str::to_owned);
            assert_eq!(decode_strictly(codec, bytes), expected, "{bytes:?}");
        }
    }

    #[test]
    fn undefined_high_bytes_are_the_holes_of_each_encoding() {
        let holes = |codec| {
            (0x80..=0x9F_u8)
                .filter(|&byte| undefined_high_bytes(codec)[usize::from(byte - 0x80)])
                .collect::<Vec<u8>>()
        };
        assert_eq!(
            holes(encoding_rs::WINDOWS_1252),
            [0x81, 0x8D, 0x8F, 0x90, 0x9D]
        );
        assert_eq!(holes(encoding_rs::WINDOWS_1251), [0x98]);
        assert_eq!(
            holes(encoding_rs::ISO_8859_5),
            (0x80..=0x9F).collect::<Vec<u8>>()
        );
        assert!(holes(encoding_rs::SHIFT_JIS).is_empty());
    }
}

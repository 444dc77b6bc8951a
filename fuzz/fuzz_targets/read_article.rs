//! The article decoder: any bytes either decode to text or give an error
//! whose message can be shown, and a decoded text matches its input.
#![no_main]

use alliance_kg::corpus::{decode, DecodeError, Encoding};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match decode(bytes) {
        Ok((text, encoding)) => check_text(bytes, &text, encoding),
        Err(err) => {
            // Every error has a message.
            assert!(!err.to_string().is_empty());
            if let DecodeError::InvalidUtf8 { offset } | DecodeError::InvalidGuess { offset, .. } =
                err
            {
                assert!(offset < bytes.len(), "offset {offset} of {}", bytes.len());
            }
        }
    }
});

fn check_text(bytes: &[u8], text: &str, encoding: Encoding) {
    match encoding {
        // UTF-8 is kept byte for byte, minus a leading BOM.
        Encoding::Utf8 => assert_eq!(text.as_bytes(), bytes),
        Encoding::Utf8Bom => assert_eq!(text.as_bytes(), &bytes[3..]),
        // UTF-16 encodes back to its input.
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let mut again = Vec::with_capacity(bytes.len());
            for unit in text.encode_utf16() {
                again.extend_from_slice(&match encoding {
                    Encoding::Utf16Le => unit.to_le_bytes(),
                    _ => unit.to_be_bytes(),
                });
            }
            assert_eq!(&again, &bytes[2..]);
        }
        // A single-byte encoding gives one char per byte, and ASCII stays
        // ASCII.
        Encoding::Legacy(codec) if codec.is_single_byte() => {
            assert!(std::str::from_utf8(bytes).is_err());
            assert_eq!(text.chars().count(), bytes.len());
            for (ch, &byte) in text.chars().zip(bytes) {
                if byte.is_ascii() {
                    assert_eq!(ch, char::from(byte));
                } else {
                    assert!(!ch.is_ascii());
                }
            }
        }
        // A multi-byte one is decoded strictly: no replacement characters.
        Encoding::Legacy(_) => {
            assert!(std::str::from_utf8(bytes).is_err());
            assert!(!text.contains('\u{FFFD}'));
        }
    }
    // Decoding is deterministic.
    assert_eq!(decode(bytes), Ok((text.to_owned(), encoding)));
}

//! The metadata.toml reader: any file gives metadata and diagnostics without
//! panicking, each diagnostic on one line with a line number inside the file.
//! Also checks that a date string that parses prints back to itself.
#![no_main]

use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use alliance_kg::corpus::{decode, read_metadata, DiagnosticKind};
use alliance_kg::date::PartialDate;
use libfuzzer_sys::fuzz_target;

/// One scratch file per fuzzing process, in memory when /dev/shm exists.
fn scratch() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let shm = PathBuf::from("/dev/shm");
        let base = if shm.is_dir() {
            shm
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("akg-fuzz-metadata-{}", std::process::id()));
        fs::create_dir_all(&dir).expect("scratch dir");
        dir.join("metadata.toml")
    })
}

fuzz_target!(|bytes: &[u8]| {
    let path = scratch();
    fs::write(path, bytes).expect("write scratch file");
    let (metadata, diagnostics) = read_metadata(path);

    let n_lines = match decode(bytes) {
        Ok((text, _)) => text.matches('\n').count() + 1,
        Err(_) => {
            // Undecodable: one diagnostic for the whole file.
            assert!(metadata.is_empty());
            assert_eq!(diagnostics.len(), 1);
            assert_eq!(diagnostics[0].line, None);
            0
        }
    };
    let mut last_line = 0;
    for diagnostic in &diagnostics {
        assert_eq!(diagnostic.kind, DiagnosticKind::MetadataIgnored);
        assert_eq!(&diagnostic.path, path);
        let message = &diagnostic.message;
        assert!(!message.is_empty());
        assert!(
            !message.contains(['\n', '\r']),
            "message is not one line: {message:?}"
        );
        if n_lines > 0 {
            let line = diagnostic.line.expect("a parse diagnostic has a line");
            assert!(
                (1..=n_lines).contains(&line),
                "line {line} of {n_lines}: {message}"
            );
            assert!(line >= last_line, "diagnostics out of order");
            last_line = line;
        }
    }
    for meta in metadata.values() {
        for value in [&meta.title, &meta.author, &meta.publisher, &meta.url]
            .into_iter()
            .flatten()
        {
            assert!(!value.trim().is_empty());
        }
        if let Some(date) = meta.date {
            assert_eq!(date.to_string().parse::<PartialDate>(), Ok(date));
        }
    }

    // The date parser alone, on the same bytes.
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Ok(date) = text.parse::<PartialDate>() {
            assert_eq!(date.to_string().parse::<PartialDate>(), Ok(date));
        }
    }
});

//! Test helpers shared by the corpus reader's modules: a temporary folder,
//! a paragraph of article text, UTF-16 bytes and metadata values.

use std::fs;
use std::path::PathBuf;

use super::ArticleMeta;
use crate::date::PartialDate;

/// A fresh folder under the system temp dir, removed on drop
/// (`tempfile`'s, with its path at hand as `.0`).
pub(super) struct TempDir(
    pub(super) PathBuf,
    #[expect(dead_code, reason = "held for its drop, which deletes the folder")] tempfile::TempDir,
);

impl TempDir {
    pub(super) fn new(name: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix(&format!("akg-corpus-{name}-"))
            .tempdir()
            .unwrap();
        Self(dir.path().to_path_buf(), dir)
    }

    pub(super) fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, bytes).unwrap();
        path
    }
}

/// A paragraph of plain ASCII article text.
pub(super) const PROSE: &str = "The Collective Security Treaty Organization met in Yerevan. \
    Armenia asked its allies for help, and the alliance sent observers.\n";

pub(super) fn utf16(text: &str, bom: bool, big_endian: bool) -> Vec<u8> {
    let mut acc = Vec::new();
    if bom {
        acc.extend_from_slice(if big_endian {
            &[0xFE, 0xFF]
        } else {
            &[0xFF, 0xFE]
        });
    }
    for unit in text.encode_utf16() {
        if big_endian {
            acc.extend_from_slice(&unit.to_be_bytes());
        } else {
            acc.extend_from_slice(&unit.to_le_bytes());
        }
    }
    acc
}

pub(super) fn date(year: i32, month: u8, day: u8) -> Option<PartialDate> {
    Some(PartialDate {
        year,
        month: Some(month),
        day: Some(day),
    })
}

pub(super) fn titled(title: &str) -> ArticleMeta {
    ArticleMeta {
        title: Some(title.to_owned()),
        ..ArticleMeta::default()
    }
}

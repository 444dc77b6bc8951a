//! Test helpers: temp stores, running `akg`, the seed corpus built once.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An `akg` command run from the repository root.
pub fn akg() -> Command {
    let mut cmd = Command::cargo_bin("akg").unwrap();
    cmd.current_dir(root());
    for var in [
        "AKG_STORE",
        "AKG_ENDPOINT",
        "AKG_ENDPOINT_TIMEOUT",
        "AKG_ENDPOINT_USER",
        "AKG_ENDPOINT_PASSWORD",
        "AKG_ENDPOINT_TOKEN",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs akg with a store and arguments; returns its output.
pub fn run(store: &Path, args: &[&str]) -> Output {
    akg().arg("--store").arg(store).args(args).output().unwrap()
}

/// Runs akg and returns stdout, asserting success.
pub fn ok(store: &Path, args: &[&str]) -> String {
    let out = run(store, args);
    assert!(
        out.status.success(),
        "akg {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A temp dir that lives for the whole test run.
fn leak_tempdir() -> PathBuf {
    let dir = tempfile::tempdir().unwrap();
    dir.keep()
}

/// The store built from the bundled corpus, once per test run.
pub fn seed_store() -> &'static Path {
    static STORE: OnceLock<PathBuf> = OnceLock::new();
    STORE.get_or_init(|| {
        let store = leak_tempdir().join("store");
        ok(&store, &["build", "corpus", "--quiet"]);
        store
    })
}

/// The store built from the unseen-style fixture articles, once per run.
pub fn unseen_store() -> &'static Path {
    static STORE: OnceLock<PathBuf> = OnceLock::new();
    STORE.get_or_init(|| {
        let store = leak_tempdir().join("store");
        ok(&store, &["build", "tests/fixtures/unseen", "--quiet"]);
        store
    })
}

/// A fresh empty temp dir.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// A corpus folder `dir/corpus` with one file per (name, text).
pub fn write_corpus(dir: &Path, articles: &[(&str, &str)]) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for (name, text) in articles {
        std::fs::write(corpus.join(name), text).unwrap();
    }
    corpus
}

/// Copies the files of `from` (not its subfolders) into `to`, made if
/// missing: a copy of ontology/ to extend, as an analyst would.
pub fn copy_files(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// XORs bytes in the first half of every table file of the live
/// generation, past its first kilobyte: data blocks, not the footer.
pub fn damage_tables(store: &std::path::Path) {
    for generation in std::fs::read_dir(store).unwrap() {
        let generation = generation.unwrap().path();
        if !generation.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&generation).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_none_or(|e| e != "sst") {
                continue;
            }
            let mut bytes = std::fs::read(&file).unwrap();
            let half = bytes.len() / 2;
            for i in (1000..half).step_by(7) {
                bytes[i] ^= 0x5a;
            }
            std::fs::write(&file, bytes).unwrap();
        }
    }
}

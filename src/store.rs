//! The on-disk store: where its generations live, and the only place that
//! opens an [`oxigraph::store::Store`] on disk. It hands the store it opens
//! to the build (which writes it, [`StoreDir::begin`]) or to the read layer
//! (which reads it through [`crate::read::Source`], [`StoreDir::open_read`]).
//!
//! A store path `P` (by default `.akg/`) is a directory of generations:
//!
//! - `FORMAT`: the text `alliance-kg store 2`, written when the store is
//!   created, so that we never clobber a folder that is not ours;
//! - `CURRENT`: the name of the live generation (`gen-000003`), replaced
//!   atomically (write `CURRENT.tmp`, fsync, rename);
//! - `gen-NNNNNN/`: one Oxigraph RocksDB directory per build;
//! - `lock`: a writer holds an exclusive lock on it for the whole build.
//!
//! A build ([`StoreDir::begin`]) writes a *new* generation and
//! [`Writer::commit`] makes it live by renaming `CURRENT`; readers
//! ([`StoreDir::open_read`]) open the live generation read-only and so see a
//! consistent snapshot while a build runs. A committed generation is never
//! opened read-write again. Killing a build at any moment leaves `P` at the
//! old generation or at the new one, never half: until the rename the new
//! generation is debris, which the next [`StoreDir::begin`] deletes.
//!
//! This module does no SPARQL and no printing; it only manages directories.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use oxigraph::store::{StorageError, Store};

/// The content of `P/FORMAT`.
const FORMAT_TEXT: &str = "alliance-kg store 2";
/// The file that marks a directory as ours.
const FORMAT_FILE: &str = "FORMAT";
/// The file naming the live generation.
const CURRENT_FILE: &str = "CURRENT";
/// The temporary file renamed onto [`CURRENT_FILE`].
const CURRENT_TMP_FILE: &str = "CURRENT.tmp";
/// The temporary file renamed onto [`FORMAT_FILE`].
const FORMAT_TMP_FILE: &str = "FORMAT.tmp";
/// The lock file a writer holds.
const LOCK_FILE: &str = "lock";
/// Prefix of generation directory names.
const GENERATION_PREFIX: &str = "gen-";

/// Errors from opening, building or committing a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// There is no store (or no committed generation) at the path.
    #[error("no store at {}; run `akg build` first", path.display())]
    NotFound {
        /// The store path.
        path: PathBuf,
    },
    /// Another process holds the build lock.
    #[error(
        "store {} is being built by another process; try again when it finishes",
        path.display()
    )]
    Locked {
        /// The store path.
        path: PathBuf,
    },
    /// A file system operation failed.
    #[error("cannot access {}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// Oxigraph (RocksDB) failed.
    #[error("the RDF store failed: {0}; {advice}", advice = storage_advice(.0))]
    Storage(#[from] StorageError),
    /// The path is not a usable alliance-kg store.
    #[error("{} is not a usable alliance-kg store: {reason}", path.display())]
    Corrupt {
        /// The store path.
        path: PathBuf,
        /// What is wrong and what to do.
        reason: String,
    },
}

/// Shorthand to wrap an [`io::Error`] with the path it concerns.
fn io_error(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// What to do about a storage error: only a store that is damaged is worth
/// deleting; a full disk or too many open files are the machine's.
fn storage_advice(err: &StorageError) -> &'static str {
    storage_failure_advice(&err.to_string()).unwrap_or(DAMAGED)
}

/// What to do if the store is damaged.
const DAMAGED: &str = "if it persists, delete the store and run `akg build`";

/// What to do about a RocksDB failure, from its message (`IO error: No
/// space left on device: …`), whichever module met it: `None` if the
/// message is not a storage failure's. A build that fails this way leaves
/// the live generation as it was.
pub fn storage_failure_advice(message: &str) -> Option<&'static str> {
    let text = message.to_ascii_lowercase();
    let advice = if text.contains("too many open files") {
        "raise the limit on open files (ulimit -n) and try again"
    } else if text.contains("no space left") || text.contains("disk quota") {
        "free some disk space and try again; the live store is unchanged"
    } else if text.contains("permission denied") || text.contains("read-only file system") {
        "check that the store's files can be read (and written, to build)"
    } else if text.contains("corruption:") {
        "the store is damaged: delete the store and run `akg build`"
    } else {
        return None;
    };
    Some(advice)
}

/// What [`StoreDir::inspect`] found at the store path.
#[derive(Debug, PartialEq, Eq)]
enum DirState {
    /// Nothing there.
    Missing,
    /// An empty directory (or one holding only our lock file).
    Empty,
    /// A directory holding our `FORMAT` file.
    Ours,
}

/// A store path: a directory of generations (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreDir {
    path: PathBuf,
}

impl StoreDir {
    /// Names the store at `path`; touches nothing on disk.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The store path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the live generation read-only.
    ///
    /// Works while a build is writing a new generation: readers see the old
    /// one, a consistent snapshot.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] if no generation was ever committed,
    /// [`StoreError::Corrupt`] if the path is not ours or `CURRENT` names a
    /// missing generation.
    pub fn open_read(&self) -> Result<Store, StoreError> {
        const ATTEMPTS: usize = 3;
        let mut attempt = 1;
        loop {
            if self.inspect()? != DirState::Ours {
                return Err(self.not_found());
            }
            let Some(number) = self.live_number()? else {
                return Err(self.not_found());
            };
            match self.open_generation(number) {
                Ok(store) => return Ok(store),
                // Builds committed meanwhile and deleted this generation:
                // `CURRENT` names a newer one, open that instead.
                Err(_)
                    if attempt < ATTEMPTS && self.live_number().ok().flatten() != Some(number) =>
                {
                    attempt += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// Opens a committed generation read-only.
    fn open_generation(&self, number: u64) -> Result<Store, StoreError> {
        let dir = self.generation_dir(number);
        if !dir.is_dir() {
            return Err(self.corrupt(format!(
                "{CURRENT_FILE} names {}, which is missing; delete the store and run `akg build`",
                generation_name(number)
            )));
        }
        Ok(Store::open_read_only(&dir)?)
    }

    /// Starts a build of a new generation.
    ///
    /// Takes the exclusive build lock, failing fast with
    /// [`StoreError::Locked`] if another process holds it, unless `wait` is
    /// true (then it blocks until the lock is free). Deletes debris of killed
    /// builds (generations newer than the live one), creates `gen-(N+1)` and
    /// opens a read-write store there. With `copy_current`, the new
    /// generation starts as a copy (a RocksDB checkpoint) of the live one, for
    /// incremental builds; without a live generation it starts empty.
    ///
    /// Nothing is visible to readers until [`Writer::commit`]; dropping the
    /// [`Writer`] instead deletes the new generation.
    pub fn begin(&self, wait: bool, copy_current: bool) -> Result<Writer, StoreError> {
        self.inspect()?;
        fs::create_dir_all(&self.path).map_err(io_error(&self.path))?;
        let lock = self.lock(wait)?;
        self.ensure_format()?;
        let live = self.live_number()?;
        self.delete_debris(live)?;

        let number = live.map_or(1, |live| live + 1);
        let dir = self.generation_dir(number);
        // From here on, the pending guard deletes `dir` unless committed.
        let pending = Pending {
            root: self.path.clone(),
            dir,
            number,
            previous: live,
            committed: false,
            _lock: lock,
        };
        let store = match live {
            Some(live) if copy_current => {
                let source = Store::open_read_only(self.generation_dir(live))?;
                source.backup(&pending.dir)?;
                drop(source);
                Store::open(&pending.dir)?
            }
            _ => {
                fs::create_dir(&pending.dir).map_err(io_error(&pending.dir))?;
                Store::open(&pending.dir)?
            }
        };
        Ok(Writer { store, pending })
    }

    /// The live generation's name (`gen-000003`), or `None` if no build was
    /// ever committed.
    pub fn generation(&self) -> Result<Option<String>, StoreError> {
        if self.inspect()? != DirState::Ours {
            return Ok(None);
        }
        Ok(self.live_number()?.map(generation_name))
    }

    /// Classifies the store path, refusing foreign directories.
    fn inspect(&self) -> Result<DirState, StoreError> {
        let entries = match fs::read_dir(&self.path) {
            Ok(entries) => entries,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(DirState::Missing),
            Err(err) if !self.path.is_dir() && self.path.exists() => {
                return Err(self.corrupt(format!(
                    "it is not a directory ({err}); choose another store path"
                )));
            }
            Err(err) => return Err(io_error(&self.path)(err)),
        };
        let (mut ours, mut foreign) = (false, false);
        for entry in entries {
            let name = entry.map_err(io_error(&self.path))?.file_name();
            if name == FORMAT_FILE {
                ours = true;
            } else if name != LOCK_FILE && name != FORMAT_TMP_FILE {
                foreign = true;
            }
        }
        if ours {
            self.check_format()?;
            Ok(DirState::Ours)
        } else if foreign {
            // Only a directory carrying our FORMAT marker is ever written
            // to or cleaned up: a RocksDB directory has a CURRENT file too.
            Err(self.corrupt(
                "the directory is not empty and holds no FORMAT file, so it is not an \
                 alliance-kg store; nothing in it was touched; choose another store path"
                    .to_owned(),
            ))
        } else {
            Ok(DirState::Empty)
        }
    }

    /// Checks the content of `FORMAT`, if present.
    fn check_format(&self) -> Result<(), StoreError> {
        let path = self.path.join(FORMAT_FILE);
        match fs::read_to_string(&path) {
            Ok(text) if text.trim() == FORMAT_TEXT => Ok(()),
            Ok(text) => Err(self.corrupt(format!(
                "store format {:?} is not this version's ({FORMAT_TEXT:?}); delete the store \
                 and run `akg build` to rebuild it",
                text.trim()
            ))),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(io_error(&path)(err)),
        }
    }

    /// Writes `FORMAT` if it is missing (atomically, under the lock).
    fn ensure_format(&self) -> Result<(), StoreError> {
        let path = self.path.join(FORMAT_FILE);
        if path.exists() {
            return Ok(());
        }
        replace_file(
            &self.path,
            FORMAT_TMP_FILE,
            FORMAT_FILE,
            &format!("{FORMAT_TEXT}\n"),
        )?;
        sync_dir(&self.path)
    }

    /// Takes the build lock.
    fn lock(&self, wait: bool) -> Result<File, StoreError> {
        let path = self.path.join(LOCK_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_error(&path))?;
        if wait {
            file.lock().map_err(io_error(&path))?;
        } else {
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(StoreError::Locked {
                        path: self.path.clone(),
                    });
                }
                Err(fs::TryLockError::Error(err)) => return Err(io_error(&path)(err)),
            }
        }
        Ok(file)
    }

    /// The live generation number, from `CURRENT`.
    fn live_number(&self) -> Result<Option<u64>, StoreError> {
        let path = self.path.join(CURRENT_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(io_error(&path)(err)),
        };
        match parse_generation(text.trim()) {
            Some(number) => Ok(Some(number)),
            None => Err(self.corrupt(format!(
                "{CURRENT_FILE} holds {:?}, not a generation name; delete the store and run `akg build`",
                text.trim()
            ))),
        }
    }

    /// All generation directories, as (number, path).
    fn generations(&self) -> Result<Vec<(u64, PathBuf)>, StoreError> {
        let mut generations = Vec::new();
        for entry in fs::read_dir(&self.path).map_err(io_error(&self.path))? {
            let entry = entry.map_err(io_error(&self.path))?;
            let Some(number) = entry.file_name().to_str().and_then(parse_generation) else {
                continue;
            };
            generations.push((number, entry.path()));
        }
        generations.sort();
        Ok(generations)
    }

    /// Deletes generations newer than the live one (all of them if there is
    /// none) and a stale `CURRENT.tmp`: debris of killed builds.
    fn delete_debris(&self, live: Option<u64>) -> Result<(), StoreError> {
        for (number, dir) in self.generations()? {
            if live.is_none_or(|live| number > live) {
                fs::remove_dir_all(&dir).map_err(io_error(&dir))?;
            }
        }
        // A killed RocksDB checkpoint (the copy that starts an incremental
        // build) leaves its half-written `gen-NNNNNN.tmp` directory.
        let entries = fs::read_dir(&self.path).map_err(io_error(&self.path))?;
        for entry in entries {
            let path = entry.map_err(io_error(&self.path))?.path();
            let half_copy = path
                .file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_suffix(".tmp"))
                .is_some_and(|name| parse_generation(name).is_some());
            if half_copy && path.is_dir() {
                fs::remove_dir_all(&path).map_err(io_error(&path))?;
            }
        }
        let tmp = self.path.join(CURRENT_TMP_FILE);
        match fs::remove_file(&tmp) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(io_error(&tmp)(err)),
            _ => Ok(()),
        }
    }

    fn generation_dir(&self, number: u64) -> PathBuf {
        self.path.join(generation_name(number))
    }

    fn not_found(&self) -> StoreError {
        StoreError::NotFound {
            path: self.path.clone(),
        }
    }

    fn corrupt(&self, reason: String) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
            reason,
        }
    }
}

/// A build in progress: a read-write store on a new generation.
///
/// [`Writer::commit`] makes it live. Dropping a `Writer` without committing
/// closes the store and deletes the new generation; the live one is
/// untouched. Either way the build lock is released at the end.
pub struct Writer {
    // Field order matters: the store must be closed (dropped) before
    // `pending` deletes its directory and releases the lock.
    store: Store,
    pending: Pending,
}

impl Writer {
    /// The new generation's store, to write quads into.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The new generation's name (`gen-000004`).
    pub fn generation(&self) -> String {
        generation_name(self.pending.number)
    }

    /// The new generation's directory.
    pub fn dir(&self) -> &Path {
        &self.pending.dir
    }

    /// Flushes and closes the new store, makes it live by atomically
    /// replacing `CURRENT`, then deletes generations older than the previous
    /// live one (a reader may still have the previous one open).
    ///
    /// Deleting old generations is best effort: one that cannot be deleted
    /// now is deleted by a later commit.
    pub fn commit(self) -> Result<(), StoreError> {
        let Writer { store, mut pending } = self;
        store.flush()?;
        drop(store);
        sync_dir(&pending.dir)?;
        replace_file(
            &pending.root,
            CURRENT_TMP_FILE,
            CURRENT_FILE,
            &format!("{}\n", generation_name(pending.number)),
        )?;
        // The rename happened: the new generation is live and must survive
        // even if a later step fails.
        pending.committed = true;
        sync_dir(&pending.root)?;
        if let Some(previous) = pending.previous {
            let store_dir = StoreDir::new(pending.root.clone());
            for (number, dir) in store_dir.generations().unwrap_or_default() {
                if number < previous {
                    // Best effort, see above.
                    let _ = fs::remove_dir_all(dir);
                }
            }
        }
        Ok(())
    }
}

/// The uncommitted side of a [`Writer`]: deletes the new generation on drop
/// unless committed, and holds the build lock until then.
struct Pending {
    root: PathBuf,
    dir: PathBuf,
    number: u64,
    previous: Option<u64>,
    committed: bool,
    /// Held for its lock; closing the file releases it.
    _lock: File,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: leftovers are debris that the next build deletes.
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// `gen-000003` for 3.
fn generation_name(number: u64) -> String {
    format!("{GENERATION_PREFIX}{number:06}")
}

/// 3 for `gen-000003`; `None` for anything else.
fn parse_generation(name: &str) -> Option<u64> {
    let digits = name.strip_prefix(GENERATION_PREFIX)?;
    if digits.len() < 6 || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Writes `text` to `dir/tmp_name`, fsyncs it and renames it onto
/// `dir/final_name`: readers see the old or the new file. The rename is the
/// last step, so an error means the old file is still in place. Callers
/// fsync `dir` afterwards to make the rename durable.
fn replace_file(
    dir: &Path,
    tmp_name: &str,
    final_name: &str,
    text: &str,
) -> Result<(), StoreError> {
    let tmp = dir.join(tmp_name);
    let mut file = File::create(&tmp).map_err(io_error(&tmp))?;
    file.write_all(text.as_bytes()).map_err(io_error(&tmp))?;
    file.sync_all().map_err(io_error(&tmp))?;
    drop(file);
    let path = dir.join(final_name);
    fs::rename(&tmp, &path).map_err(io_error(&path))
}

/// Makes a directory's entries durable (a no-op where directories cannot be
/// opened as files).
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|file| file.sync_all())
        .map_err(io_error(dir))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxigraph::model::{GraphNameRef, NamedNodeRef, Quad, QuadRef};
    use std::error::Error;

    type TestResult = Result<(), Box<dyn Error>>;

    fn quad(name: &str) -> Result<Quad, Box<dyn Error>> {
        let node = NamedNodeRef::new(name)?;
        let graph = NamedNodeRef::new("https://example.com/article/1")?;
        Ok(QuadRef::new(node, node, node, GraphNameRef::NamedNode(graph)).into_owned())
    }

    /// The sorted quads of a store, as N-Quads-like strings.
    fn contents(store: &Store) -> Result<Vec<String>, Box<dyn Error>> {
        let mut quads = store
            .iter()
            .map(|quad| quad.map(|quad| quad.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        quads.sort();
        Ok(quads)
    }

    fn build(dir: &StoreDir, names: &[&str]) -> TestResult {
        let writer = dir.begin(false, false)?;
        for name in names {
            writer.store().insert(&quad(name)?)?;
        }
        writer.commit()?;
        Ok(())
    }

    fn generation_dirs(dir: &StoreDir) -> Result<Vec<String>, Box<dyn Error>> {
        Ok(dir
            .generations()?
            .into_iter()
            .map(|(number, _)| generation_name(number))
            .collect())
    }

    #[test]
    fn begin_commit_open_read_round_trip() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path().join(".akg"));
        build(&dir, &["https://example.com/a", "https://example.com/b"])?;

        assert_eq!(dir.generation()?.as_deref(), Some("gen-000001"));
        assert_eq!(
            fs::read_to_string(dir.path().join(FORMAT_FILE))?,
            "alliance-kg store 2\n"
        );
        let store = dir.open_read()?;
        assert_eq!(
            contents(&store)?,
            [
                quad("https://example.com/a")?.to_string(),
                quad("https://example.com/b")?.to_string()
            ]
        );
        Ok(())
    }

    #[test]
    fn open_read_without_store_is_not_found() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path().join("nothing"));
        let err = dir.open_read().err().ok_or("opened a missing store")?;
        assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
        assert!(
            err.to_string().ends_with("; run `akg build` first"),
            "{err}"
        );
        assert_eq!(dir.generation()?, None);

        // An empty directory is not a store either.
        let empty = StoreDir::new(tmp.path());
        let err = empty.open_read().err().ok_or("opened an empty dir")?;
        assert!(matches!(err, StoreError::NotFound { .. }), "{err}");
        Ok(())
    }

    #[test]
    fn dropped_writer_leaves_old_data() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path());
        build(&dir, &["https://example.com/old"])?;

        let writer = dir.begin(false, false)?;
        writer.store().insert(&quad("https://example.com/new")?)?;
        let new_dir = writer.dir().to_path_buf();
        assert!(new_dir.is_dir());
        drop(writer);

        assert!(!new_dir.exists());
        assert_eq!(dir.generation()?.as_deref(), Some("gen-000001"));
        assert_eq!(
            contents(&dir.open_read()?)?,
            [quad("https://example.com/old")?.to_string()]
        );
        // The lock was released: a new build can start.
        drop(dir.begin(false, false)?);
        Ok(())
    }

    #[test]
    fn second_begin_is_locked() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path());
        let writer = dir.begin(false, false)?;
        let err = dir.begin(false, false).err().ok_or("took a held lock")?;
        assert!(matches!(err, StoreError::Locked { .. }), "{err}");
        assert!(
            err.to_string().ends_with("try again when it finishes"),
            "{err}"
        );
        // The failed attempt did not touch the active build.
        writer.store().insert(&quad("https://example.com/a")?)?;
        writer.commit()?;
        assert_eq!(contents(&dir.open_read()?)?.len(), 1);
        Ok(())
    }

    #[test]
    fn begin_with_wait_blocks_until_the_lock_is_free() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path());
        let writer = dir.begin(false, false)?;
        let waiter = {
            let dir = dir.clone();
            std::thread::spawn(move || {
                dir.begin(true, false)
                    .map(|writer| writer.generation())
                    .map_err(|err| err.to_string())
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(!waiter.is_finished());
        writer.commit()?;
        let generation = waiter.join().map_err(|_| "waiter panicked")??;
        assert_eq!(generation, "gen-000002");
        Ok(())
    }

    #[test]
    fn readers_see_the_old_generation_during_a_build() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path());
        build(&dir, &["https://example.com/old"])?;

        let writer = dir.begin(false, false)?;
        writer.store().insert(&quad("https://example.com/new")?)?;
        let reader = dir.open_read()?;
        assert_eq!(
            contents(&reader)?,
            [quad("https://example.com/old")?.to_string()]
        );
        writer.commit()?;

        // The open reader keeps its snapshot; a new one sees the new build.
        assert_eq!(
            contents(&reader)?,
            [quad("https://example.com/old")?.to_string()]
        );
        assert_eq!(
            contents(&dir.open_read()?)?,
            [quad("https://example.com/new")?.to_string()]
        );
        Ok(())
    }

    #[test]
    fn copy_current_carries_data_over() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path());
        build(&dir, &["https://example.com/a"])?;

        let writer = dir.begin(false, true)?;
        assert_eq!(
            contents(writer.store())?,
            [quad("https://example.com/a")?.to_string()]
        );
        writer.store().insert(&quad("https://example.com/b")?)?;
        writer.commit()?;

        assert_eq!(contents(&dir.open_read()?)?.len(), 2);
        // The previous generation is unchanged by the copy.
        let previous = Store::open_read_only(dir.generation_dir(1))?;
        assert_eq!(contents(&previous)?.len(), 1);
        Ok(())
    }

    #[test]
    fn copy_current_without_a_live_generation_starts_empty() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path());
        let writer = dir.begin(false, true)?;
        assert!(writer.store().is_empty()?);
        writer.commit()?;
        assert!(dir.open_read()?.is_empty()?);
        Ok(())
    }

    #[test]
    fn commit_keeps_only_the_previous_generation() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path());
        build(&dir, &["https://example.com/a"])?;
        build(&dir, &["https://example.com/b"])?;
        build(&dir, &["https://example.com/c"])?;
        assert_eq!(generation_dirs(&dir)?, ["gen-000002", "gen-000003"]);
        assert_eq!(dir.generation()?.as_deref(), Some("gen-000003"));
        Ok(())
    }

    #[test]
    fn begin_deletes_debris_of_killed_builds() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path());
        build(&dir, &["https://example.com/a"])?;
        // A build killed before its rename leaves a newer generation and
        // possibly CURRENT.tmp behind.
        fs::create_dir(dir.path().join("gen-000007"))?;
        fs::write(dir.path().join("gen-000007/junk"), "x")?;
        fs::write(dir.path().join(CURRENT_TMP_FILE), "gen-000007\n")?;
        // A build killed while it copied the live generation (a RocksDB
        // checkpoint) leaves the half copy under a .tmp name.
        fs::create_dir(dir.path().join("gen-000008.tmp"))?;
        fs::write(dir.path().join("gen-000008.tmp/junk"), "x")?;
        assert_eq!(dir.generation()?.as_deref(), Some("gen-000001"));

        let writer = dir.begin(false, false)?;
        assert_eq!(writer.generation(), "gen-000002");
        assert_eq!(generation_dirs(&dir)?, ["gen-000001", "gen-000002"]);
        assert!(!dir.path().join(CURRENT_TMP_FILE).exists());
        assert!(!dir.path().join("gen-000008.tmp").exists());
        Ok(())
    }

    /// Set to a store path, [`killed_build_child`] runs a build there and
    /// dies in the middle of it.
    const CHILD_ENV: &str = "AKG_TEST_KILLED_BUILD_STORE";

    /// Not a test on its own: a no-op unless [`CHILD_ENV`] is set, which
    /// [`killed_build_leaves_the_old_generation`] does when it runs this
    /// test binary as a child process.
    #[test]
    fn killed_build_child() -> TestResult {
        let Some(path) = std::env::var_os(CHILD_ENV) else {
            return Ok(());
        };
        let writer = StoreDir::new(path).begin(false, true)?;
        writer.store().insert(&quad("https://example.com/new")?)?;
        writer.store().flush()?;
        // Dies without running destructors, as SIGKILL would.
        std::process::abort();
    }

    #[test]
    fn killed_build_leaves_the_old_generation() -> TestResult {
        let tmp = tempfile::tempdir()?;
        let dir = StoreDir::new(tmp.path());
        build(&dir, &["https://example.com/old"])?;

        let status = std::process::Command::new(std::env::current_exe()?)
            .args(["--exact", "store::tests::killed_build_child", "--nocapture"])
            .env(CHILD_ENV, tmp.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()?;
        assert!(!status.success());
        // The child left its half-built generation behind.
        assert_eq!(generation_dirs(&dir)?, ["gen-000001", "gen-000002"]);

        assert_eq!(dir.generation()?.as_deref(), Some("gen-000001"));
        assert_eq!(
            contents(&dir.open_read()?)?,
            [quad("https://example.com/old")?.to_string()]
        );
        // The dead process's lock is gone and its debris is cleaned up.
        let writer = dir.begin(false, false)?;
        assert_eq!(writer.generation(), "gen-000002");
        assert!(writer.store().is_empty()?);
        Ok(())
    }

    #[test]
    fn refuses_a_foreign_non_empty_directory() -> TestResult {
        let tmp = tempfile::tempdir()?;
        fs::write(tmp.path().join("notes.txt"), "mine")?;
        let dir = StoreDir::new(tmp.path());

        let err = dir.begin(false, false).err().ok_or("took a foreign dir")?;
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        assert!(
            err.to_string().contains("choose another store path"),
            "{err}"
        );
        let err = dir.open_read().err().ok_or("read a foreign dir")?;
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");

        let mut names = fs::read_dir(tmp.path())?
            .map(|entry| entry.map(|entry| entry.file_name()))
            .collect::<Result<Vec<_>, _>>()?;
        names.sort();
        assert_eq!(names, ["notes.txt"]);
        Ok(())
    }

    #[test]
    fn refuses_an_unknown_format() -> TestResult {
        let tmp = tempfile::tempdir()?;
        fs::write(tmp.path().join(FORMAT_FILE), "alliance-kg store 99\n")?;
        let err = StoreDir::new(tmp.path())
            .begin(false, false)
            .err()
            .ok_or("took an unknown format")?;
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        Ok(())
    }

    #[test]
    fn generation_names() {
        check_generation("gen-000003", Some(3));
        check_generation("gen-1234567", Some(1_234_567));
        check_generation("gen-03", None);
        check_generation("gen-00000x", None);
        check_generation("CURRENT", None);
        assert_eq!(generation_name(12), "gen-000012");
    }

    fn check_generation(name: &str, expected: Option<u64>) {
        assert_eq!(parse_generation(name), expected, "{name}");
    }
}

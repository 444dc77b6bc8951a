//! A memory budget for the commands that read the store.
//!
//! Oxigraph evaluates some operators entirely in memory and without looking
//! at its cancellation token (sorting or counting a cross product), so a
//! timeout alone cannot stop a query that allocates gigabytes a second. A
//! [`MemoryWatch`] samples the process's anonymous resident memory (heap,
//! not the store's files that the kernel caches) every few milliseconds
//! from a thread of its own and calls its handler once the budget is
//! passed; the binary's handler prints one line and ends the process, which
//! is safe because readers open the store read-only. `akg serve` evaluates
//! each query in a child process with its own watch, so an over-budget
//! query ends its child, never the server.
//!
//! Only Linux exposes the figure cheaply (`/proc/self/statm`); elsewhere
//! [`anonymous_resident_bytes`] is `None` and the watch does nothing.

use std::fmt;
use std::str::FromStr;
use std::thread;
use std::time::Duration;

use bytesize::ByteSize;
use thiserror::Error;

/// How often the watch samples memory: at 1 GB/s of growth a query passes
/// its budget by about 10 MB before it is stopped.
const SAMPLE_EVERY: Duration = Duration::from_millis(10);

/// The default budget's ceiling, whatever the machine.
const DEFAULT_CEILING: u64 = 4 << 30;

/// The smallest budget accepted: below it even a trivial query fails.
const MINIMUM: u64 = 64 << 20;

/// A memory budget in bytes, parsed from sizes such as `4GiB`, `512 MB`
/// or `2G`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemoryBudget(u64);

/// A budget that cannot be used.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum BudgetError {
    /// Not a size.
    #[error("{0:?} is not a size; write it as 4GiB, 512MB or 2G")]
    NotASize(String),
    /// Too small for any query.
    #[error("{size} is too small a memory budget; give at least 64 MiB")]
    TooSmall {
        /// The size given, as written back.
        size: String,
    },
}

impl MemoryBudget {
    /// A quarter of the machine's memory, at most 4 GiB (4 GiB where the
    /// machine's memory is unknown).
    pub fn default_for_machine() -> Self {
        let quarter = physical_memory_bytes().map_or(DEFAULT_CEILING, |bytes| bytes / 4);
        MemoryBudget(quarter.clamp(MINIMUM, DEFAULT_CEILING))
    }

    /// A budget of exactly `bytes`, refusing one below 64 MiB.
    pub fn from_bytes(bytes: u64) -> Result<Self, BudgetError> {
        if bytes < MINIMUM {
            return Err(BudgetError::TooSmall {
                size: ByteSize(bytes).display().iec().to_string(),
            });
        }
        Ok(MemoryBudget(bytes))
    }

    /// The budget in bytes.
    pub fn bytes(self) -> u64 {
        self.0
    }
}

impl FromStr for MemoryBudget {
    type Err = BudgetError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let size: ByteSize = text
            .trim()
            .parse()
            .map_err(|_| BudgetError::NotASize(text.to_owned()))?;
        MemoryBudget::from_bytes(size.as_u64())
    }
}

impl fmt::Display for MemoryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", ByteSize(self.0).display().iec())
    }
}

/// The process's anonymous resident memory in bytes (`RssAnon`: resident
/// pages that are not file-backed), or `None` where it cannot be read.
pub fn anonymous_resident_bytes() -> Option<u64> {
    #[cfg(target_os = "linux")]
    {
        // "size resident shared text lib data dt", in pages; `shared` is
        // the file-backed and shared-memory part of `resident`.
        let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
        let mut fields = statm.split_ascii_whitespace().skip(1);
        let resident: u64 = fields.next()?.parse().ok()?;
        let shared: u64 = fields.next()?.parse().ok()?;
        Some(resident.saturating_sub(shared) * page_size()?)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

#[cfg(unix)]
fn page_size() -> Option<u64> {
    // SAFETY: sysconf reads a constant of the system; no memory is touched.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    u64::try_from(size).ok().filter(|&size| size > 0)
}

fn physical_memory_bytes() -> Option<u64> {
    #[cfg(unix)]
    {
        // SAFETY: as above.
        let pages = unsafe { libc::sysconf(libc::_SC_PHYS_PAGES) };
        let pages = u64::try_from(pages).ok().filter(|&pages| pages > 0)?;
        Some(pages.saturating_mul(page_size()?))
    }
    #[cfg(not(unix))]
    None
}

/// Watches the process's memory against a budget.
pub struct MemoryWatch;

impl MemoryWatch {
    /// Starts a thread that calls `exceeded` with the memory in use once it
    /// passes `budget`, then stops watching. The handler is expected to end
    /// the process; the thread is not joined and dies with it. Where memory
    /// cannot be read, nothing is started.
    pub fn start(
        budget: MemoryBudget,
        exceeded: impl FnOnce(u64) + Send + 'static,
    ) -> std::io::Result<()> {
        if anonymous_resident_bytes().is_none() {
            return Ok(());
        }
        let spawned = thread::Builder::new()
            .name("akg-memory-watch".to_owned())
            .stack_size(64 << 10)
            .spawn(move || loop {
                let used = anonymous_resident_bytes().unwrap_or(0);
                if used > budget.bytes() {
                    exceeded(used);
                    return;
                }
                thread::sleep(SAMPLE_EVERY);
            })?;
        drop(spawned);
        Ok(())
    }
}

/// The message for a process stopped by its budget.
pub fn over_budget_message(budget: MemoryBudget, used: u64) -> String {
    format!(
        "stopped after using {} of memory, over the --max-memory budget of {budget}; \
         narrow the query (LIMIT does not bound ORDER BY or a cross product) or raise \
         --max-memory (a damaged store can do this too: `akg dump > /dev/null` tells)",
        ByteSize(used).display().iec()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn sizes_parse_in_both_unit_systems() {
        assert_eq!("4GiB".parse(), Ok(MemoryBudget(4 << 30)));
        assert_eq!("512 MiB".parse(), Ok(MemoryBudget(512 << 20)));
        assert_eq!("2GB".parse(), Ok(MemoryBudget(2_000_000_000)));
        assert!(matches!(
            "lots".parse::<MemoryBudget>(),
            Err(BudgetError::NotASize(_))
        ));
        assert!(matches!(
            "1MiB".parse::<MemoryBudget>(),
            Err(BudgetError::TooSmall { .. })
        ));
        assert_eq!(MemoryBudget(4 << 30).to_string(), "4.0 GiB");
    }

    #[test]
    fn the_default_is_at_most_four_gibibytes() {
        let budget = MemoryBudget::default_for_machine();
        assert!(budget.bytes() >= MINIMUM && budget.bytes() <= DEFAULT_CEILING);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_watch_fires_once_memory_passes_the_budget() {
        let before = anonymous_resident_bytes().unwrap_or(0);
        let budget = MemoryBudget(before + (256 << 20));
        let (tx, rx) = mpsc::channel();
        MemoryWatch::start(budget, move |used| {
            let _ = tx.send(used);
        })
        .unwrap_or_else(|err| panic!("cannot start the watch: {err}"));
        // Nothing fires while memory stays under the budget.
        assert!(rx.recv_timeout(Duration::from_millis(100)).is_err());
        // Memory written byte by byte is resident. Other tests of this
        // process allocate and free too, so grow until the watch fires.
        let mut ballast: Vec<Vec<u8>> = Vec::new();
        let used = loop {
            if let Ok(used) = rx.recv_timeout(Duration::from_millis(50)) {
                break used;
            }
            assert!(ballast.len() < 64, "the watch did not fire after 4 GiB");
            ballast.push(vec![1u8; 64 << 20]);
        };
        assert!(used > budget.bytes());
    }
}

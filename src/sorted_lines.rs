//! Sorting and deduplicating more lines than memory should hold.
//!
//! A shard of a large corpus has tens of millions of N-Quads lines, which
//! must be written sorted and without repeats. [`SortedLines`] holds lines
//! up to a budget of bytes; past it, it sorts what it holds, writes it as a
//! run to an anonymous temporary file (removed by the system however the
//! process ends) and starts again. [`SortedLines::into_sorted`] then merges
//! the runs and what is held, smallest first, each distinct line once.
//! With fewer lines than the budget no file is written.
//!
//! Lines must not contain `\n`; N-Quads lines never do.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

/// Lines being gathered for a sorted, deduplicated read-back.
pub struct SortedLines {
    /// Where the runs' temporary files are made.
    dir: PathBuf,
    /// The most bytes of lines held before they are written as a run.
    budget: usize,
    held: Vec<String>,
    held_bytes: usize,
    runs: Vec<File>,
}

impl SortedLines {
    /// Gathers lines, holding at most about `budget` bytes of them in
    /// memory; runs go to anonymous files in `dir`.
    pub fn new(dir: &Path, budget: usize) -> SortedLines {
        SortedLines {
            dir: dir.to_path_buf(),
            budget,
            held: Vec::new(),
            held_bytes: 0,
            runs: Vec::new(),
        }
    }

    /// Adds one line (without its newline).
    pub fn push(&mut self, line: String) -> io::Result<()> {
        self.held_bytes += line.len();
        self.held.push(line);
        if self.held_bytes > self.budget {
            self.spill()?;
        }
        Ok(())
    }

    /// How many runs went to disk so far.
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// Writes the held lines, sorted and deduplicated, as one run.
    fn spill(&mut self) -> io::Result<()> {
        let mut held = std::mem::take(&mut self.held);
        held.sort_unstable();
        held.dedup();
        let mut out = BufWriter::new(tempfile::tempfile_in(&self.dir)?);
        for line in &held {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
        let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.rewind()?;
        self.runs.push(file);
        self.held_bytes = 0;
        Ok(())
    }

    /// Every distinct line pushed, in byte order.
    pub fn into_sorted(mut self) -> io::Result<Sorted> {
        self.held.sort_unstable();
        self.held.dedup();
        let mut sources: Vec<Source> = self
            .runs
            .into_iter()
            .map(|file| Source::Run(BufReader::with_capacity(1 << 16, file)))
            .collect();
        sources.push(Source::Held(std::mem::take(&mut self.held).into_iter()));
        let mut heads = BinaryHeap::with_capacity(sources.len());
        for (index, source) in sources.iter_mut().enumerate() {
            if let Some(line) = source.next_line()? {
                heads.push(Reverse((line, index)));
            }
        }
        Ok(Sorted {
            sources,
            heads,
            last: None,
        })
    }
}

/// One sorted input of the merge.
enum Source {
    Run(BufReader<File>),
    Held(std::vec::IntoIter<String>),
}

impl Source {
    fn next_line(&mut self) -> io::Result<Option<String>> {
        match self {
            Source::Held(lines) => Ok(lines.next()),
            Source::Run(reader) => {
                let mut line = String::new();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(None);
                }
                if line.ends_with('\n') {
                    line.pop();
                }
                Ok(Some(line))
            }
        }
    }
}

/// The merged lines of [`SortedLines::into_sorted`].
pub struct Sorted {
    sources: Vec<Source>,
    heads: BinaryHeap<Reverse<(String, usize)>>,
    last: Option<String>,
}

impl Iterator for Sorted {
    type Item = io::Result<String>;

    fn next(&mut self) -> Option<io::Result<String>> {
        loop {
            let Reverse((line, index)) = self.heads.pop()?;
            match self.sources[index].next_line() {
                Ok(Some(next)) => self.heads.push(Reverse((next, index))),
                Ok(None) => {}
                Err(err) => return Some(Err(err)),
            }
            if self.last.as_ref() != Some(&line) {
                self.last = Some(line.clone());
                return Some(Ok(line));
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)] // a failed temporary file fails the test
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sorted(lines: &[&str], budget: usize) -> (Vec<String>, usize) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut gathered = SortedLines::new(dir.path(), budget);
        for line in lines {
            gathered.push((*line).to_owned()).expect("a run is written");
        }
        let runs = gathered.runs();
        let lines = gathered
            .into_sorted()
            .expect("the runs are read")
            .collect::<io::Result<Vec<_>>>()
            .expect("the runs are read");
        (lines, runs)
    }

    #[test]
    fn lines_under_the_budget_stay_in_memory() {
        let (lines, runs) = sorted(&["b", "a", "b", "c"], 1 << 20);
        assert_eq!(lines, ["a", "b", "c"]);
        assert_eq!(runs, 0);
    }

    #[test]
    fn runs_on_disk_merge_into_one_order_without_repeats() {
        // A budget of 3 bytes writes a run once more than 3 bytes are held:
        // after "a" and after the second "b", so repeats fall in different
        // runs and in what is still held.
        let (lines, runs) = sorted(&["dd", "b", "a", "dd", "c", "b", "é", "a", ""], 3);
        assert_eq!(lines, ["", "a", "b", "c", "dd", "é"]);
        assert_eq!(runs, 2);
    }

    proptest! {
        #[test]
        fn any_budget_gives_the_sorted_distinct_lines(
            lines in prop::collection::vec("[a-c\u{e9} <>.]{0,6}", 0..60),
            budget in 1usize..40,
        ) {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let mut expected = lines.clone();
            expected.sort_unstable();
            expected.dedup();
            prop_assert_eq!(sorted(&refs, budget).0, expected);
        }
    }
}

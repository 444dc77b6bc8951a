//! End-to-end tests: the real `akg` binary on real files (one integration
//! binary, as ripgrep does, with topic modules).

mod util;

mod cli;
mod fixtures;
mod provenance;
mod quality;
mod saved_queries;

//! End-to-end tests: the real `akg` binary on real files (one integration
//! binary, as ripgrep does, with topic modules).

#![allow(clippy::expect_used, clippy::print_stderr, clippy::print_stdout)]

mod util;

mod alliances;
mod cli;
mod endpoint;
mod eval;
mod fixtures;
mod hostile;
mod http_fuzz;
mod incremental;
mod oxigraph_server;
mod phrasing;
mod provenance;
mod push;
mod quality;
mod robustness;
mod saved_queries;
mod serve;
mod serve_hostile;
mod shard;
mod views;

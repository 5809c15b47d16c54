//! The one integration-test binary (one link step, one process to start): every area of
//! feedsmith a user meets, each in its own module, all sharing the helpers in `util`.

mod util;

mod add;
mod browser;
mod daemon;
mod explain;
mod fault;
mod fuzz_finds;
mod hostile;
mod ids;
mod init;
mod learned_chrome;
mod logs;
mod messages;
mod run;
mod saved_pages;
mod serve;
mod status;
mod tooling;
mod web;
mod websub;
#[cfg(feature = "postgres")]
mod workers;

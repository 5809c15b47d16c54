//! The one integration-test binary (one link step, one process to start): every area of
//! feedsmith a user meets, each in its own module, all sharing the helpers in `util`.

mod util;

mod add;
mod archive;
mod browser;
mod daemon;
mod explain;
mod fault;
mod fuzz_finds;
mod hostile;
mod ids;
mod init;
mod learned_chrome;
mod local_pages;
mod logs;
mod media;
mod messages;
mod pages;
mod provenance;
mod rules;
mod run;
#[cfg(feature = "s3")]
mod s3;
mod saved_pages;
mod serve;
mod shard;
mod status;
mod tooling;
mod web;
mod websub;
#[cfg(feature = "postgres")]
mod workers;

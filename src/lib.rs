//! feedsmith: turns messy article sources into clean, valid RSS 2.0, Atom 1.0 and JSON Feed 1.1.
//!
//! The pipeline, one module a stage: [`source`] → [`normalize`] → [`select`] → [`store`] →
//! [`publish`]; [`pipeline`] runs it for each feed, [`cli`] decides exit codes and what the
//! terminal sees. All stages speak one item model, [`model`].
//! Around it: [`schedule`] says when a feed is due, [`daemon`] refreshes feeds on their
//! schedules, [`serve`] serves the output folder, [`websub`] tells a hub what changed and
//! [`status`] reports each source's health.

pub mod chars;
pub mod cli;
pub mod config;
pub mod config_edit;
pub mod daemon;
pub mod dates;
pub mod error;
pub mod fetch;
pub mod golden;
pub mod model;
pub mod normalize;
pub mod pipeline;
mod pool;
pub mod preview;
pub mod probe;
pub mod publish;
pub mod schedule;
pub mod select;
pub mod serve;
pub mod sniff;
pub mod source;
pub mod status;
pub mod store;
pub mod urls;
pub mod websub;
#[cfg(feature = "postgres")]
pub mod worker;

pub use error::{Error, Result};

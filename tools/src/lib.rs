//! Development tools for feedsmith, kept out of the library's dependency tree: the scores the
//! `eval` command reports on the two development data sets, and the evidence count of the
//! built-in vocabularies.

pub mod rule_hits;
pub mod shingle;
pub mod words;

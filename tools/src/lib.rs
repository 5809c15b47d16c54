//! Development tools for feedsmith, kept out of the library's dependency tree: the scores the
//! `eval` command reports on the two development data sets.

pub mod shingle;
pub mod words;

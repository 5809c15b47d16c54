//! Extraction throughput on a folder laid out like `shared/extraction-dev`.
fn main() {}

#!/usr/bin/env bash
# Runs one fuzz target with libFuzzer on the stable toolchain: fuzz/run.sh TARGET [SECONDS]
# (default 1800). Targets: text, html, markdown, feed, config (fuzz/fuzz_targets/).
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz wants nightly for its -Z flags;
# RUSTC_BOOTSTRAP=1 lets stable rustc accept them, and `--sanitizer none` skips AddressSanitizer
# (the library is safe Rust; panics, broken invariants, hangs and memory blow-ups are the finds),
# `-a` keeps debug assertions (integer overflow panics). New inputs go to corpus-grown/TARGET
# (git-ignored); the committed seeds in corpus/TARGET are only read. Finds land in
# artifacts/TARGET/; minimise one with
#   RUSTC_BOOTSTRAP=1 cargo fuzz tmin --sanitizer none -a TARGET artifacts/TARGET/crash-...
# and keep it in tests/fixtures/fuzz/TARGET/ (tests/fuzz_finds.rs replays them in `cargo test`).
set -euo pipefail
target=${1:?usage: fuzz/run.sh TARGET [SECONDS]}
seconds=${2:-1800}
# Further libFuzzer flags, e.g. FUZZ_ARGS="-fork=1 -ignore_crashes=1" to keep going past finds.
read -r -a extra <<< "${FUZZ_ARGS:-}"
cd "$(dirname "$0")"
[ -d "corpus/$target" ] || { echo "no target $target (corpus/$target missing)" >&2; exit 2; }
mkdir -p "corpus-grown/$target" "artifacts/$target"
# Inputs slower than 10 s or above 2 GiB of memory are finds too: one input must never stall a run.
RUSTC_BOOTSTRAP=1 exec cargo fuzz run --sanitizer none -a "$target" \
    "corpus-grown/$target" "corpus/$target" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -dict="dicts/$target.dict" -print_final_stats=1 "${extra[@]}"

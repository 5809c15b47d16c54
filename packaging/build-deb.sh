#!/usr/bin/env bash
# Builds the .deb: the release binary, then the man page and bash completion generated from
# that binary (so they document exactly what ships), then `cargo deb` packs them with the
# systemd units. Needs cargo-deb (`cargo install cargo-deb`; .ci/run installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-target}"

cargo build --release --locked
bin="$target/release/feedsmith"
# cargo-deb reads assets relative to the crate root's target/; mirror there if elsewhere.
mkdir -p target/release target/man target/completions
if [ "$target" != "target" ]; then
    cp "$bin" target/release/feedsmith
fi
"$bin" man | gzip -9n > target/man/feedsmith.1.gz
"$bin" completions bash > target/completions/feedsmith.bash
cargo deb --no-build --no-strip "$@"

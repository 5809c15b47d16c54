#!/bin/sh
# Every benchmark, release mode, one command:
#   benches/run-all.sh [--setup] [--runs N] [DEV_DIR...]
# --setup first creates bench-venv/ with the Python peers (PyPI); without a venv the peer
# figures are skipped and said so. The tables are also gathered in target/bench-report.txt
# (or $CARGO_TARGET_DIR/bench-report.txt). DEV_DIRs go to the html bench (default
# ../shared/extraction-dev; add ../shared/wcxb-dev for the larger set).
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--setup" ]; then
    shift
    [ -x bench-venv/bin/python ] || python3 -m venv bench-venv
    bench-venv/bin/pip install --quiet --upgrade pip
    bench-venv/bin/pip install --quiet trafilatura readability-lxml lxml_html_clean feedgen
fi
runs=""
dirs=""
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="--runs $2"; shift 2 ;;
        *) dirs="$dirs $1"; shift ;;
    esac
done
report="${CARGO_TARGET_DIR:-target}/bench-report.txt"
mkdir -p "$(dirname "$report")"
: > "$report"
export BENCH_REPORT="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
# One bench at a time: they time one core, or whole processes, and must not compete.
# shellcheck disable=SC2086
cargo bench --bench text -- $runs
# shellcheck disable=SC2086
cargo bench --bench html -- $runs $dirs
# shellcheck disable=SC2086
cargo bench --bench render -- $runs
# shellcheck disable=SC2086
cargo bench --bench cron -- $runs
# shellcheck disable=SC2086
cargo bench --bench web -- $runs
# Skipped, saying why, unless FEEDSMITH_TEST_PG_URL names a PostgreSQL server.
# shellcheck disable=SC2086
cargo bench --bench workers -- $runs
echo "all tables: $report"

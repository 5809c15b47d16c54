#!/bin/sh
# Side-by-side runs with the Python peers (trafilatura, readability-lxml, python-feedgen).
#   benches/peers.sh --setup   create bench-venv/ (git-ignored) from PyPI, then run the peer benches
#   benches/peers.sh           run them with the venv already there
# Any other arguments go to the benches (e.g. --runs 5, or a dev folder such as ../shared/wcxb-dev).
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--setup" ]; then
    shift
    if [ ! -x bench-venv/bin/python ]; then
        python3 -m venv bench-venv
    fi
    bench-venv/bin/pip install --quiet --upgrade pip
    bench-venv/bin/pip install --quiet trafilatura readability-lxml lxml_html_clean feedgen
fi
if [ ! -x bench-venv/bin/python ]; then
    echo "no bench-venv/: run benches/peers.sh --setup first" >&2
    exit 2
fi
# The peer figures live in these two benches; each prints the ratio from its own run.
cargo bench --bench html -- "$@"
cargo bench --bench render -- "$@"

#!/usr/bin/env bash
# Throw-away services for the tests that need them (sourced by .ci/run and .ci/test).
# Each start_X exports the URL its tests read; each stop_X removes what start_X made. They run
# as root in CI and as any user on a developer's machine.

# A TCP port nothing listens on at 127.0.0.1.
free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
        return
    fi
    local p
    while :; do
        p=$((20000 + RANDOM % 40000))
        (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
}

# PostgreSQL: Debian's server binaries (installed when missing), a fresh cluster in a temporary
# folder, on 127.0.0.1 and a free port; exports FEEDSMITH_TEST_PG_URL.
start_postgres() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
        bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    fi
    PG_DIR="$(mktemp -d /tmp/feedsmith-pg.XXXXXX)"
    local port
    port="$(free_port)"
    # The server refuses to run as root: as root, the cluster belongs to the `postgres` user
    # (which the package creates) or, without it, to `nobody`.
    local as=()
    if [ "$(id -u)" = 0 ]; then
        local user=postgres
        id "$user" >/dev/null 2>&1 || user=nobody
        chown "$user" "$PG_DIR"
        as=(runuser -u "$user" --)
    fi
    PG_CTL=("${as[@]}" "$bin/pg_ctl" -D "$PG_DIR/data")
    # From the cluster's folder: the server user may not be allowed into the checkout.
    (
        cd "$PG_DIR"
        "${as[@]}" "$bin/initdb" -D "$PG_DIR/data" -U feedsmith --auth=trust -E UTF8 >/dev/null
        "${PG_CTL[@]}" -l "$PG_DIR/log" -w \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=200 -c fsync=off" \
            start >/dev/null
    )
    export FEEDSMITH_TEST_PG_URL="postgres://feedsmith@127.0.0.1:$port/postgres"
    echo "PostgreSQL ($("$bin/postgres" --version)) at $FEEDSMITH_TEST_PG_URL"
}

stop_postgres() {
    if [ -n "${PG_DIR:-}" ]; then
        (cd "$PG_DIR" && "${PG_CTL[@]}" -m immediate stop >/dev/null 2>&1) || true
        rm -rf "$PG_DIR"
        PG_DIR=""
    fi
}

# S3-compatible server (moto, from PyPI): start_s3 / stop_s3, exports FEEDSMITH_TEST_S3_ENDPOINT.
# shellcheck source=services/s3.sh
source "$(dirname "${BASH_SOURCE[0]}")/services/s3.sh"

start_services() {
    start_postgres
    start_s3
}

stop_services() {
    stop_s3
    stop_postgres
}

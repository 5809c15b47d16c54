# S3-compatible server for the object-storage tests (tests/s3.rs): moto in server mode, from
# PyPI, on a free port of 127.0.0.1. Sourced by .ci/run, which calls start_s3 and, from its
# exit trap, stop_s3. start_s3 exports FEEDSMITH_TEST_S3_ENDPOINT for the tests.

S3_PID=""
S3_LOG=""

start_s3() {
    # Run as a module: a fresh install's moto_server script may not be on PATH (pyenv shims,
    # ~/.local/bin). A Debian python refuses pip outside a venv unless told (PEP 668).
    if ! python3 -c 'import moto.server, flask' >/dev/null 2>&1; then
        python3 -m pip install --quiet --disable-pip-version-check 'moto[server]' ||
            python3 -m pip install --quiet --disable-pip-version-check --break-system-packages 'moto[server]'
    fi
    local port
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    S3_LOG="$(mktemp)"
    python3 -m moto.server -H 127.0.0.1 -p "$port" >"$S3_LOG" 2>&1 &
    S3_PID=$!
    # Up when it answers HTTP (ListBuckets); 30 s at most.
    if ! python3 - "$port" <<'PY'
import sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/"
for _ in range(300):
    try:
        urllib.request.urlopen(url, timeout=1).read()
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit(1)
PY
    then
        echo "moto did not start on 127.0.0.1:$port:"
        cat "$S3_LOG"
        return 1
    fi
    export FEEDSMITH_TEST_S3_ENDPOINT="http://127.0.0.1:$port"
    echo "S3-compatible server (moto) at $FEEDSMITH_TEST_S3_ENDPOINT"
}

stop_s3() {
    if [ -n "$S3_PID" ]; then
        kill "$S3_PID" 2>/dev/null || true
        wait "$S3_PID" 2>/dev/null || true
        S3_PID=""
    fi
    if [ -n "$S3_LOG" ]; then
        rm -f "$S3_LOG"
    fi
}

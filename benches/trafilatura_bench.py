"""Trafilatura throughput on the same pages as benches/extract.rs, for the speed ratio.

Usage: trafilatura_bench.py DATA_DIR [PASSES]; prints "pages/s <float>" on the last line.
"""

import gzip
import json
import sys
import time

import trafilatura


def main() -> None:
    data_dir = sys.argv[1]
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with open(f"{data_dir}/ground-truth.json", encoding="utf-8") as f:
        truth = json.load(f)
    pages = []
    for page_id, entry in sorted(truth.items()):
        with gzip.open(f"{data_dir}/html/{page_id}.html.gz") as f:
            pages.append((f.read().decode("utf-8", errors="replace"), entry.get("url")))
    # One untimed pass so imports and caches do not count.
    for html, url in pages:
        trafilatura.extract(html, url=url)
    start = time.perf_counter()
    for _ in range(passes):
        for html, url in pages:
            trafilatura.extract(html, url=url)
    elapsed = time.perf_counter() - start
    print(f"pages/s {len(pages) * passes / elapsed:.1f}")


if __name__ == "__main__":
    main()

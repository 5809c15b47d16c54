"""The Python peers the Rust benches compare against, timed inside Python so interpreter start-up
and imports do not count: trafilatura and readability-lxml extracting the same pages as
benches/html.rs, and python-feedgen building and serialising the same items as benches/render.rs.

Usage (run by the benches through bench-venv/bin/python; see benches/peers.sh):
  peers.py extract RUNS DIR      -> JSON {"pages", "bytes", "trafilatura": [pages/s...], "readability": [...]}
  peers.py feedgen RUNS ITEMS.json -> JSON {"rss": [items/s...], "atom": [...], "rss_bytes", "atom_bytes"}
Rates are per CPU-second of this (single-threaded) process, one figure per run.
"""

import datetime
import glob
import gzip
import json
import os
import sys
import time


def load_pages(data_dir):
    truth_path = os.path.join(data_dir, "ground-truth.json")
    if os.path.exists(truth_path):
        with open(truth_path, encoding="utf-8") as f:
            truth = json.load(f)
    else:
        with gzip.open(truth_path + ".gz") as f:
            truth = json.load(f)
    pages = []
    for path in sorted(glob.glob(os.path.join(data_dir, "html", "*.html.gz"))):
        page_id = os.path.basename(path)[: -len(".html.gz")]
        with gzip.open(path) as f:
            raw = f.read()
        # The Rust side decodes the same way (UTF-8, bad bytes replaced).
        url = (truth.get(page_id) or {}).get("url")
        pages.append((raw.decode("utf-8", errors="replace"), url, len(raw)))
    return pages


def extract(runs, data_dir):
    import trafilatura
    from readability import Document

    pages = load_pages(data_dir)

    def run_trafilatura():
        for html, url, _ in pages:
            trafilatura.extract(html, url=url)

    def run_readability():
        for html, url, _ in pages:
            try:
                Document(html, url=url).summary()
            except Exception:  # readability raises on some pages; a failure still costs time
                pass

    peers = {"trafilatura": run_trafilatura, "readability": run_readability}
    # One untimed pass each: imports, lazy compilation and caches do not count.
    for f in peers.values():
        f()
    rates = {name: [] for name in peers}
    # Interleaved, so load from elsewhere on the machine hits both alike.
    for _ in range(runs):
        for name, f in peers.items():
            start = time.process_time()
            f()
            rates[name].append(len(pages) / max(time.process_time() - start, 1e-9))
    out = {"pages": len(pages), "bytes": sum(p[2] for p in pages)}
    out.update(rates)
    print(json.dumps(out))


def feedgen(runs, items_path):
    from feedgen.feed import FeedGenerator

    with open(items_path, encoding="utf-8") as f:
        feed = json.load(f)
    items = feed["items"]
    for item in items:
        item["published"] = datetime.datetime.fromisoformat(item["published"].replace("Z", "+00:00"))
        item["updated"] = datetime.datetime.fromisoformat(item["updated"].replace("Z", "+00:00"))

    def build():
        fg = FeedGenerator()
        fg.id(feed["id"])
        fg.title(feed["title"])
        fg.subtitle(feed["description"])
        fg.description(feed["description"])
        fg.link(href=feed["home"], rel="alternate")
        fg.link(href=feed["self"], rel="self")
        fg.author(name=feed["author"])
        fg.language("en")
        for item in items:
            fe = fg.add_entry(order="append")
            fe.id(item["id"])
            fe.guid(item["id"], permalink=False)
            fe.title(item["title"])
            fe.link(href=item["link"])
            fe.summary(item["summary"])
            fe.description(item["summary"])
            fe.content(item["content_html"], type="CDATA")
            for a in item["authors"]:
                fe.author(name=a, email="desk@example.org")
            for c in item["categories"]:
                fe.category(term=c)
            fe.published(item["published"])
            fe.updated(item["updated"])
        return fg

    out = {"rss": [], "atom": []}
    for _ in range(runs):
        for fmt in ("rss", "atom"):
            start = time.process_time()
            fg = build()
            data = fg.rss_str(pretty=False) if fmt == "rss" else fg.atom_str(pretty=False)
            out[fmt].append(len(items) / max(time.process_time() - start, 1e-9))
            out[fmt + "_bytes"] = len(data)
            del fg, data
    print(json.dumps(out))


def main():
    mode, runs, arg = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "extract":
        extract(runs, arg)
    elif mode == "feedgen":
        feedgen(runs, arg)
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main()

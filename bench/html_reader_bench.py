"""Benchmark: the HTML reader on generated web pages of about 100 KB and 1 MB.

Each page is a news-style page (site header, navigation, cookie banner, an article of
numbered sections with paragraphs, ordered lists and a table, teasers, a footer), written
from a word list. Times, in the same run and on the same bytes:

- baseline: ``lxml.html.document_fromstring`` alone (the parse every reading pays);
- ``main="all"``: decode, parse, meta, drop furniture, walk the whole body;
- ``main="auto"`` on the page with ``<main>`` (the marked main text is read);
- ``main="auto"`` on the same page without ``<main>``/``<article>`` but with
  ``og:type=article``: its body is mostly prose, so the structural reading is kept and
  trafilatura is not run (it runs only when that reading yields little);
- ``main="trafilatura"`` (always trafilatura);
- the first trafilatura call of the process (imports and warm-up, paid once).

Times are CPU time of this process (median of --repeat runs), so that other work on a
shared machine does not inflate them. Prints a Markdown table; asserts nothing.

    python bench/html_reader_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time

import lxml.html

from tracker.readers import html as html_reader

WORDS = (
    "agreement parties security guarantee territory ceasefire sanctions reconstruction "
    "fund assets elections humanitarian exchange prisoners council monitoring line contact "
    "forces personnel river treaty crossing observers commission fees schedule bridge "
    "ferry delegation mediator draft annex parliament approval weekly report public"
).split()


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def page(target: int, marked: bool, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    head = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Bench page</title>"
        "<meta property='og:type' content='article'>"
        '<script type=\'application/ld+json\'>{"@type": "NewsArticle", '
        '"datePublished": "2026-03-02"}</script></head><body>'
        "<div id='cookie-notice'><p>We use cookies.</p></div>"
        "<header><a href='/'>Site</a><nav><ul>"
        + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(12))
        + "</ul></nav></header>"
    )
    teasers = "".join(
        f"<div class='teaser'><a href='/t{i}'>{sentence(rng, 6)}</a></div>" for i in range(20)
    )
    parts = []
    size = 0
    n = 0
    while size < target:
        n += 1
        sec = [f"<h2>{n}. {sentence(rng, 5)}</h2>"]
        for _ in range(4):
            sec.append(f"<p>{' '.join(sentence(rng, 18) for _ in range(3))}</p>")
        sec.append(
            f"<ol type='a' start='{n}'>"
            + "".join(f"<li>{sentence(rng, 14)}</li>" for _ in range(5))
            + "</ol>"
        )
        sec.append(
            "<table>"
            + "".join(f"<tr><td>{rng.choice(WORDS)}</td><td>{i}</td></tr>" for i in range(4))
            + "</table>"
        )
        chunk = "".join(sec)
        parts.append(chunk)
        size += len(chunk)
    body = "".join(parts)
    wrapped = f"<main><article>{body}</article></main>" if marked else f"<div>{body}</div>"
    tail = teasers + "<footer><p>Copyright</p></footer></body></html>"
    return (head + teasers + wrapped + tail).encode()


def timed(fn, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.process_time()
        fn()
        runs.append(time.process_time() - t)
    return statistics.median(runs)


FIRST_CALL = """
import time
from tracker.readers import html
data = open({path!r}, "rb").read()
t = time.process_time()
html.read(data, main="trafilatura")
print(time.process_time() - t)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print(
        "| page | bytes | blocks | parse only | all | auto (marked) | auto (no main, mostly prose) "
        "| trafilatura |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, target in (("100 KB", 100_000), ("1 MB", 1_000_000)):
        marked = page(target, True)
        unmarked = page(target, False)
        text = marked.decode()
        blocks = len(html_reader.read(marked).blocks)
        row = [
            timed(lambda t=text: lxml.html.document_fromstring(t), args.repeat),
            timed(lambda m=marked: html_reader.read(m, main="all"), args.repeat),
            timed(lambda m=marked: html_reader.read(m), args.repeat),
            timed(lambda u=unmarked: html_reader.read(u), args.repeat),
            timed(lambda m=marked: html_reader.read(m, main="trafilatura"), args.repeat),
        ]
        cells = " | ".join(f"{s * 1000:.0f} ms" for s in row)
        print(f"| {label} | {len(marked):,} | {blocks:,} | {cells} |")
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".html", delete=False) as f:
        f.write(page(100_000, True))
    out = subprocess.run(
        [sys.executable, "-c", FIRST_CALL.format(path=f.name)],
        capture_output=True,
        text=True,
        check=True,
    )
    print(
        f"\nfirst trafilatura reading in a fresh process (100 KB): "
        f"{float(out.stdout) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()

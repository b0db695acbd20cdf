"""Benchmark: pypdf against pdfplumber for reading PDFs, and the PDF reader on top.

Generates a multi-page PDF with fpdf2 (a bold title and section headings, numbered
paragraphs wrapped by the writer, a running header, a "Page N of M" footer) from random
sentences whose words are known, then times, in the same run:

- pypdf ``page.extract_text()`` (text only, no geometry or fonts)
- pypdf ``extract_text(visitor_text=...)`` (text runs with their matrix and font: what a
  paragraph/heading reader would need from pypdf)
- pdfplumber ``page.extract_words(extra_attrs=["fontname", "size"])`` (words with boxes
  and fonts)
- pdfminer.six ``PDFPageAggregator(laparams=None)`` (the same characters as pdfplumber's,
  as ``LTChar`` objects, without pdfplumber's per-character dicts)
- ``tracker.readers.pdf.read`` (the reader: lines, paragraphs, headings, headers dropped)

pypdf and pdfplumber are not dependencies of tracker; install them to compare
(``pip install pypdf pdfplumber``), else their rows say "not installed". Real PDFs given on
the command line are timed too (``--real a.pdf b.pdf``).

and scores quality: the share of the printed body words recovered in order (difflib on
word sequences), how many words came out glued together or split, and whether fonts and
positions are available. Prints a Markdown table; asserts nothing.

    python bench/pdf_bench.py [--pages 60] [--repeat 3] [--real FILE ...]
"""

from __future__ import annotations

import argparse
import difflib
import random
import statistics
import time
from io import BytesIO

WORDS = (
    "agreement parties security guarantee territory ceasefire sanctions reconstruction "
    "fund assets elections humanitarian exchange prisoners council monitoring line contact "
    "forces personnel troops plant electricity shipping grain river treaty membership "
    "market access investment development infrastructure financing commission committee "
    "dialogue mediation sovereignty referendum zone buffer withdrawal amnesty education "
    "minorities language law parliament ratification observers convoy depots artillery"
).split()


def make_pdf(pages: int, seed: int = 1) -> tuple[bytes, list[str]]:
    """A PDF of about ``pages`` pages and the body words in printed order."""
    from fpdf import FPDF

    rng = random.Random(seed)

    class Doc(FPDF):
        def header(self):
            self.set_font("Helvetica", size=9)
            self.cell(0, 6, "Ceasefire Agreement - negotiating draft", align="C")
            self.ln(12)

        def footer(self):
            self.set_y(-15)
            self.set_font("Helvetica", size=9)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Doc(format="A4")
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    body: list[str] = []
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, "Ceasefire Agreement")
    body += ["Ceasefire", "Agreement"]
    point = 0
    while pdf.page_no() < pages:
        title = f"Part {point // 8 + 1}. " + " ".join(rng.choice(WORDS) for _ in range(3))
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(0, 7, title)
        body += title.split()
        pdf.set_font("Helvetica", size=11)
        for _ in range(8):
            point += 1
            sentences = []
            for _ in range(rng.randrange(1, 5)):
                words = [rng.choice(WORDS) for _ in range(rng.randrange(6, 20))]
                sentences.append(" ".join(words).capitalize() + ".")
            text = f"{point}. " + " ".join(sentences)
            pdf.ln(3)
            pdf.multi_cell(0, 5.5, text)
            body += text.split()
    out = BytesIO()
    pdf.output(out)
    return out.getvalue(), body


def score(words: list[str], body: list[str]) -> float:
    """Share of the body words found in order (header/footer words are noise here)."""
    sm = difflib.SequenceMatcher(None, body, words, autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks()) / len(body)


def glued(words: list[str]) -> int:
    """Words printed nowhere in the PDF: two words run together or one cut in two."""
    printed = set(WORDS) | {"ceasefire", "agreement", "negotiating", "draft", "page", "of", "part"}
    return sum(1 for w in words if w.strip(".").lower() not in printed and w.strip(".").isalpha())


def run_pypdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    return " ".join(p.extract_text() for p in reader.pages).split()


def run_pypdf_visitor(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(BytesIO(data))
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            runs.append((text, tm[4], tm[5], size, (font or {}).get("/BaseFont")))

    for p in reader.pages:
        p.extract_text(visitor_text=visit)
    return " ".join(r[0] for r in runs).split()


def run_pdfplumber(data: bytes) -> list[str]:
    import pdfplumber

    with pdfplumber.open(BytesIO(data)) as pdf:
        words = []
        for page in pdf.pages:
            words += [w["text"] for w in page.extract_words(extra_attrs=["fontname", "size"])]
            page.close()
    return words


def run_pdfminer(data: bytes) -> list[str]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(BytesIO(data)))
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    words: list[str] = []
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        line, last = [], None
        for obj in device.get_result():
            if isinstance(obj, LTChar):
                # Enough to count words: a new word at a space glyph, a gap or a new line.
                if last is not None and (abs(obj.y0 - last.y0) > 1 or obj.x0 - last.x1 > 1.5):
                    line.append(" ")
                line.append(obj.get_text())
                last = obj
        words += "".join(line).split()
    return words


def run_reader(data: bytes) -> list[str]:
    from tracker.readers import pdf

    return pdf.read(data, "bench.pdf").text.split()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--real", nargs="*", default=[])
    args = ap.parse_args()
    data, body = make_pdf(args.pages)
    runs = (
        ("pypdf extract_text", run_pypdf_text, "no"),
        ("pypdf visitor_text", run_pypdf_visitor, "runs: origin + size, no widths"),
        ("pdfplumber extract_words", run_pdfplumber, "every word"),
        ("pdfminer.six LTChar", run_pdfminer, "every glyph"),
        ("tracker.readers.pdf.read", run_reader, "(pdfminer.six)"),
    )
    print(f"generated: {args.pages} pages, {len(data) / 1024:.0f} KiB, {len(body)} body words\n")
    print("| extraction | s/run | ms/page | words in order | glued/split | fonts+boxes |")
    print("|---|---:|---:|---:|---:|---|")
    for label, fn, geometry in runs:
        try:
            best, median, words = _time(fn, data, args.repeat)
        except ImportError as e:
            print(f"| {label} | not installed ({e.name}) | | | | |")
            continue
        print(
            f"| {label} | {best:.2f} (median {median:.2f}) | {1000 * best / args.pages:.1f} "
            f"| {score(words, body):.3f} | {glued(words)} | {geometry} |"
        )
    for path in args.real:
        real = open(path, "rb").read()
        pages = len(run_pdfminer_pages(real))
        print(f"\n{path}: {pages} pages\n")
        print("| extraction | s/run | ms/page |")
        print("|---|---:|---:|")
        for label, fn, _ in runs:
            try:
                best, median, _words = _time(fn, real, args.repeat)
            except ImportError as e:
                print(f"| {label} | not installed ({e.name}) | |")
                continue
            print(f"| {label} | {best:.2f} (median {median:.2f}) | {1000 * best / pages:.1f} |")


def run_pdfminer_pages(data: bytes) -> list:
    from pdfminer.high_level import extract_pages

    return list(extract_pages(BytesIO(data)))


def _time(fn, data: bytes, repeat: int) -> tuple[float, float, list[str]]:
    times = []
    words: list[str] = []
    for _ in range(repeat):
        t = time.perf_counter()
        words = fn(data)
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), words


if __name__ == "__main__":
    main()

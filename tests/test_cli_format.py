"""`--format` on `tracker add`, formats by extension on `import`, stdin, and `diff --files`:
the format a file is read as is the one asked for, else its extension, else its content."""

from __future__ import annotations

import json
from pathlib import Path

# Markdown signs (headings, escaped numbers) that content sniffing would notice.
MARKDOWN_LIKE = "# Harbour rules\n\n## Entry\n\n1\\. Ships may enter at any hour.\n"


def show(invoke, doc: str, label: str) -> dict:  # type: ignore[no-untyped-def]
    out = invoke("show", doc, label, "--json")
    assert out.code == 0, out.stderr
    return json.loads(out.stdout)


def test_format_text_reads_a_markdown_file_as_text(invoke, tmp_path) -> None:
    f = tmp_path / "rules.md"
    f.write_text(MARKDOWN_LIKE, encoding="utf-8")
    out = invoke("add", "harbour", f, "--at", "2026-01-01", "--format", "text")
    assert out.code == 0, out.stderr
    shown = show(invoke, "harbour", "v1")
    assert shown["format"] == "text" and shown["reader"].startswith("text/")
    assert shown["text"] == MARKDOWN_LIKE.strip("\n")
    assert invoke("show", "harbour", "v1", "--source").stdout == MARKDOWN_LIKE


def test_import_reads_by_extension_and_unknown_extensions_as_text(invoke, tmp_path) -> None:
    doc = tmp_path / "in" / "harbour"
    doc.mkdir(parents=True)
    front = "---\ndate: 2026-01-0{n}\nlabel: {label}\n---\n"
    # No extension: plain text, whatever the content looks like (as import always did).
    (doc / "01-rules").write_text(front.format(n=1, label="bare") + MARKDOWN_LIKE, "utf-8")
    (doc / "02-rules.txt").write_text(front.format(n=2, label="txt") + "1. Ships pay.\n", "utf-8")
    out = invoke("import", tmp_path / "in")
    assert out.code == 0, out.stderr
    assert [show(invoke, "harbour", label)["format"] for label in ("bare", "txt")] == [
        "text",
        "text",
    ]


def test_stdin_reads_text_unless_the_first_bytes_say_otherwise(invoke, db) -> None:
    # Markdown-looking text on stdin stays plain text (no file name to go by)...
    out = invoke("add", "harbour", "-", "--at", "2026-01-01", input=MARKDOWN_LIKE)
    assert out.code == 0, out.stderr
    assert show(invoke, "harbour", "v1")["format"] == "text"
    # ...while a PDF is recognised by its magic bytes and handed to the PDF reader, which
    # refuses this truncated one (or is not in the build): one error line, nothing stored.
    out = invoke("add", "harbour", "-", "--at", "2026-01-02", input=b"%PDF-1.4\n%broken\n")
    assert out.code == 1 and out.stderr.count("\n") == 1
    assert out.stderr.startswith("error: <stdin>:") and "pdf" in out.stderr.lower()
    assert len(json.loads(invoke("list", "harbour", "--json").stdout)["versions"]) == 1


def test_help_documents_format_and_stdin(invoke) -> None:
    text = " ".join(invoke("add", "--help").stdout.split())
    assert "--format [auto|text|markdown|html|docx|pdf]" in text
    assert "for stdin, PDF, DOCX and HTML are recognised by their first bytes" in text
    assert "--tracked-changes [accept|original]" in text
    assert "--source" in invoke("show", "--help").stdout
    assert "--dry-run" in invoke("reparse", "--help").stdout


def test_diff_files_reads_each_file_by_its_format(invoke, tmp_path: Path) -> None:
    old, new = tmp_path / "old.txt", tmp_path / "new.md"
    old.write_text("1. Ships pay 40 coins.\n2. Boats pay nothing.\n", encoding="utf-8")
    new.write_text("1. Ships pay 50 coins.\n2. Boats pay nothing.\n", encoding="utf-8")
    out = invoke("diff", "--files", old, old, "--json")
    assert out.code == 0 and json.loads(out.stdout)["summary"]["unchanged"] == 2
    # A .md file goes to the Markdown reader: compared when it is in the build, else one
    # clear error naming the format.
    out = invoke("diff", "--files", old, new, "--json")
    if out.code == 0:
        (change,) = [c for c in json.loads(out.stdout)["changes"] if c["kind"] != "unchanged"]
        assert [t["new"] for t in change["terms"]] == ["50"]
        assert set(change["new"][0]) >= {"number", "path", "label", "text", "heading"}
    else:
        assert out.stderr == "error: " + str(new) + ": no reader for markdown in this build\n"

"""A minimal HTML -> text extraction used until the HTML reader is in (see ``_read``):
the main part of the page (``--selector``, else ``<article>``, ``<main>`` or ``<body>``),
navigation, scripts, forms and footers dropped, one paragraph per block element, and what
the page says about itself (title, published and modified dates, canonical URL)."""

from __future__ import annotations

from typing import Any

from ..errors import InputError, TooLarge
from ..sources import DEFAULT_MAX_BYTES, Source

DROP = ("script", "style", "noscript", "nav", "footer", "header", "form", "aside", "template")
BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "tr", "dt", "dd"}

META_KEYS = {
    "published": (
        "article:published_time",
        "datepublished",
        "date",
        "dc.date",
        "dcterms.created",
        "pubdate",
    ),
    "modified": ("article:modified_time", "datemodified", "og:updated_time", "dcterms.modified"),
}


def read_html(
    data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES, selector: str | None = None
) -> Source:
    import lxml.html
    from lxml import etree

    if len(data) > max_bytes:
        raise TooLarge(f"{name}: {len(data):,} bytes is over the limit of {max_bytes:,} bytes")
    try:
        # Bytes that are UTF-8 are read as UTF-8 (capture transcodes every page to it);
        # anything else is left to lxml's own detection (<meta charset>).
        try:
            data.decode("utf-8")
            parser = lxml.html.HTMLParser(encoding="utf-8")
        except UnicodeDecodeError:
            parser = None
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"{name}: cannot read as HTML ({exc})") from None
    meta = _meta(root)
    if selector:
        try:
            found = root.cssselect(selector)
        except Exception as exc:  # cssselect.SelectorError and friends
            raise InputError(f"bad --selector {selector!r}: {exc}") from None
        if not found:
            raise InputError(f"{name}: nothing matches --selector {selector!r}")
        parts = found
    else:
        parts = root.xpath("//article") or root.xpath("//main") or root.xpath("//body") or [root]
        parts = parts[:1]
    paras: list[str] = []
    for part in parts:
        for bad in part.xpath(" | ".join(f".//{t}" for t in DROP)):
            bad.drop_tree()
        _walk(part, paras)
    text = "\n\n".join(p for p in paras if p)
    if not text.strip():
        raise InputError(f"{name}: no text found in the HTML page")
    return Source(text=text, meta=meta, name=name)


def _walk(el: Any, out: list[str]) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in BLOCKS and not any(
        isinstance(d.tag, str) and d.tag in BLOCKS for d in el.iterdescendants()
    ):
        sep = " | " if tag == "tr" else " "
        if tag == "tr":
            cells = [c for c in el if isinstance(c.tag, str)]
            text = sep.join(" ".join(c.text_content().split()) for c in cells)
        else:
            text = " ".join(el.text_content().split())
        if tag == "li" and el.getparent() is not None and el.getparent().tag == "ol":
            items = [c for c in el.getparent() if c.tag == "li"]
            text = f"{items.index(el) + 1}. {text}"
        out.append(text)
        return
    loose = " ".join((el.text or "").split())
    if loose and tag not in ("html", "body"):
        out.append(loose)
    for child in el:
        _walk(child, out)
        tail = " ".join((child.tail or "").split())
        if tail:
            out.append(tail)


def _meta(root: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = root.xpath("string(//meta[@property='og:title']/@content)") or root.xpath(
        "string(//title)"
    )
    if title.strip():
        meta["title"] = " ".join(title.split())
    props: dict[str, str] = {}
    for m in root.xpath("//meta[@content]"):
        key = (m.get("property") or m.get("name") or m.get("itemprop") or "").lower()
        if key and key not in props:
            props[key] = m.get("content").strip()
    for field, keys in META_KEYS.items():
        for key in keys:
            if props.get(key):
                meta[field] = props[key]
                break
    if "published" not in meta:
        stamp = root.xpath("string((//time[@datetime])[1]/@datetime)")
        if stamp:
            meta["published"] = stamp.strip()
    canonical = root.xpath("string(//link[@rel='canonical']/@href)")
    if canonical:
        meta["url"] = canonical.strip()
    return meta

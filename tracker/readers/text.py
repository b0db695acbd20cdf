"""Plain text -> blocks: one block per paragraph (interim: the structure is read by
:mod:`tracker.provisions` from the text itself)."""

from __future__ import annotations

from ..sources import decode, parse_text
from . import Block, Reading

READER = "text/1"


def read(data: bytes, name: str = "<input>") -> Reading:
    source = parse_text(decode(data, name), name)
    paras = [p.strip("\n") for p in source.text.split("\n\n") if p.strip()]
    return Reading(
        blocks=tuple(Block("paragraph", p) for p in paras),
        text=source.text,
        format="text",
        reader=READER,
        meta=source.meta,
        name=name,
    )

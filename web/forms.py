"""Form parsing that keeps what the client sent: a field that is not valid UTF-8 comes
through with its bad bytes as lone surrogates (``surrogateescape``) instead of U+FFFD, so
the add form can refuse it with the CLI's message ("not UTF-8 (byte 0xff at offset 3)")
rather than store a damaged text. Werkzeug decodes multipart fields with "replace" and
offers no setting for it; its part charset hook is the one place to choose the codec."""

from __future__ import annotations

import codecs
from typing import IO, TYPE_CHECKING
from urllib.parse import parse_qsl

from flask import Request
from werkzeug.datastructures import FileStorage, Headers, MultiDict
from werkzeug.formparser import FormDataParser, MultiPartParser

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

# What FormDataParser's parse methods return: (stream, form, files).
_Parsed = tuple[IO[bytes], MultiDict[str, str], MultiDict[str, FileStorage]]

CODEC = "tracker_utf8_raw"


def _search(name: str) -> codecs.CodecInfo | None:
    if name != CODEC:
        return None
    utf8 = codecs.lookup("utf-8")

    def decode(data: ReadableBuffer, errors: str = "strict") -> tuple[str, int]:
        # Whatever error mode werkzeug asks for, keep the bad bytes recoverable.
        return codecs.utf_8_decode(data, "surrogateescape", True)

    return codecs.CodecInfo(utf8.encode, decode, name=CODEC)


codecs.register(_search)


class _MultiPart(MultiPartParser):
    def get_part_charset(self, headers: Headers) -> str:
        charset = super().get_part_charset(headers)
        return CODEC if charset == "utf-8" else charset


class _FormDataParser(FormDataParser):
    def _parse_multipart(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> _Parsed:
        parser = _MultiPart(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
        )
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files

    def _parse_urlencoded(
        self, stream: IO[bytes], mimetype: str, content_length: int | None, options: dict[str, str]
    ) -> _Parsed:
        body = stream.read().decode("utf-8", "surrogateescape")
        items = parse_qsl(body, keep_blank_values=True, errors="surrogateescape")
        return stream, self.cls(items), self.cls()


class RawFormRequest(Request):
    form_data_parser_class = _FormDataParser


def undecodable(value: str) -> int | None:
    """The offset (in UTF-8 bytes) of the first byte a field could not decode, or None."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return len(value[: exc.start].encode("utf-8", "surrogateescape"))
    return None

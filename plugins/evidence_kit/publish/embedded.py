"""The text a viewer shows of a copied binary file: a PDF's pages and document info, a
PNG's text chunks. Their bytes hide it: a PDF compresses its pages' text and a PNG may
compress a chunk, so reading the raw bytes finds neither an address in a report nor a key
in an image's comment."""

from __future__ import annotations

import io
import logging
import struct
import zlib
from collections.abc import Iterator


class Unread(Exception):
    """A published file the gate cannot read in full: (why, what to do)."""


def texts(name: str, data: bytes, most: int) -> Iterator[tuple[str, str]]:
    """(where, text) of each text a viewer shows of the file `name` (lower case), unpacked
    to at most `most` characters in all; nothing for a file of another kind."""
    if name.endswith(".pdf"):
        yield from _pdf(data, most)
    elif name.endswith(".png") and data.startswith(_PNG):
        yield from _png(data, most)


def _pdf(data: bytes, most: int) -> Iterator[tuple[str, str]]:
    # Imported here: only a site with a PDF pays for it.
    import pypdf

    size = 0
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    # pypdf logs what it repairs in a damaged file; a file it cannot read is reported below.
    quiet.setLevel(logging.ERROR + 1)
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Unread("is an encrypted PDF", "publish it unencrypted, or not at all")
        found: list[tuple[str, str]] = []
        for key, value in (reader.metadata or {}).items():
            found.append((f"document info {str(key).lstrip('/')}", str(value)))
        for number, page in enumerate(reader.pages, 1):
            text = page.extract_text()
            size += len(text)
            if size > most:
                raise Unread(
                    f"holds more than {most:,} characters of text, more than the gate reads",
                    "publish it smaller, or split it",
                )
            found.append((f"page {number}", text))
    except Unread:
        raise
    except Exception as exc:
        # Any failure of the parser on a file it cannot make sense of (pypdf raises what
        # its parsing met, not only PyPdfError): the file is unread, which fails the site.
        raise Unread(
            f"is a PDF the gate cannot read ({type(exc).__name__})",
            "publish a PDF that opens, or not at all",
        ) from exc
    finally:
        quiet.setLevel(level)
    yield from found


_PNG = b"\x89PNG\r\n\x1a\n"


def _png(data: bytes, most: int) -> Iterator[tuple[str, str]]:
    """The tEXt, zTXt and iTXt chunks (keyword and text); a chunk cut short ends the file,
    as it does for an image viewer."""
    at = len(_PNG)
    left = most
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        at += 12 + length
        if kind not in (b"tEXt", b"zTXt", b"iTXt"):
            continue
        keyword, _, rest = body.partition(b"\x00")
        label = f"text chunk {keyword.decode('latin-1')}"
        if kind == b"tEXt":
            text = rest.decode("latin-1")
        elif kind == b"zTXt":
            text = _inflate(rest[1:], left).decode("latin-1")
        else:
            compressed, rest = rest[:1] == b"\x01", rest[2:]
            _language, _, rest = rest.partition(b"\x00")
            translated, _, rest = rest.partition(b"\x00")
            text = translated.decode("utf-8", "replace") + "\n"
            text += (_inflate(rest, left) if compressed else rest).decode("utf-8", "replace")
        left -= len(text)
        yield label, text


def _inflate(data: bytes, most: int) -> bytes:
    """A chunk's zlib stream unpacked; what unpacks of a damaged one; `Unread` past
    `most` bytes, so that a small bomb cannot fill the memory."""
    inflater = zlib.decompressobj()
    try:
        # At least one byte asked for: zlib reads a bound of 0 as none at all.
        out = inflater.decompress(data, max(most, 0) + 1)
    except zlib.error:
        out = b""
    if len(out) > most:
        raise Unread(
            f"unpacks to more than {most:,} bytes of text, more than the gate reads",
            "publish it without the text, or smaller",
        )
    return out

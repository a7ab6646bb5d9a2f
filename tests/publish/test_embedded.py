"""What a viewer shows of a copied PDF or PNG is read by the gate with every rule: the
bytes hide it (a PDF compresses its pages' text, a PNG may compress a text chunk)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pypdf
import pytest

from conftest import build, make_project
from evidence_kit.publish.detectors import Detector, Detectors, fingerprint
from evidence_kit.publish.gate import MAX_GUNZIPPED, Unread, scan_file

RULES = Detectors(Detector.configure(), Detector(()))
GITHUB = "ghp_Z4SOcMz9CPVNPkNa1Hedcm4pMbXDuCL1mHoO"
EMAIL = "jane.doe@acmecorp.io"


def pdf(text: str, author: str = "Platform team") -> bytes:
    """A one-page PDF whose page draws `text` from a compressed content stream."""
    content = zlib.compress(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Author (%s) >>" % author.encode("latin-1"),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def png(*chunks: tuple[bytes, bytes]) -> bytes:
    """A PNG of one pixel with the given (type, data) chunks before its image data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            *(chunk(kind, data) for kind, data in chunks),
            chunk(b"IDAT", pixels),
            chunk(b"IEND", b""),
        ]
    )


def hits(name: str, data: bytes) -> list[tuple[str, str, str | None]]:
    return [(hit.rule, hit.fingerprint, hit.field) for hit in scan_file(name, data, RULES)]


def test_the_compressed_text_of_a_pdf_page_is_read() -> None:
    data = pdf(f"Restored by {EMAIL} with {GITHUB}")
    assert GITHUB.encode() not in data
    assert hits("files/restore-report.pdf", data) == [
        ("email", fingerprint(EMAIL), "page 1"),
        ("github-token", fingerprint(GITHUB), "page 1"),
    ]


def test_a_pdf_s_document_info_is_read() -> None:
    assert hits("report.pdf", pdf("Restore test passed", author=EMAIL)) == [
        ("email", fingerprint(EMAIL), "document info Author")
    ]


def test_a_clean_pdf_has_no_hit() -> None:
    assert hits("report.pdf", pdf("Restore test passed in 42 minutes")) == []


def test_a_pdf_no_reader_opens_is_unread() -> None:
    with pytest.raises(Unread) as raised:
        scan_file("report.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 4, RULES)
    assert raised.value.args[1] == "publish a PDF that opens, or not at all"
    assert raised.value.args[0].startswith("is a PDF the gate cannot read (")


def test_an_encrypted_pdf_is_unread() -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf(GITHUB))))
    writer.encrypt("", "owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(Unread) as raised:
        scan_file("report.pdf", out.getvalue(), RULES)
    assert raised.value.args == ("is an encrypted PDF", "publish it unencrypted, or not at all")


def test_the_text_chunks_of_a_png_are_read_packed_or_not() -> None:
    data = png(
        (b"tEXt", b"Author\x00" + EMAIL.encode()),
        (b"zTXt", b"Comment\x00\x00" + zlib.compress(f"token {GITHUB}".encode())),
        (b"iTXt", b"Description\x00\x01\x00en\x00\x00" + zlib.compress(f"by {EMAIL}".encode())),
    )
    assert GITHUB.encode() not in data
    assert hits("img/diagram.png", data) == [
        ("email", fingerprint(EMAIL), "text chunk Author"),
        ("github-token", fingerprint(GITHUB), "text chunk Comment"),
        ("email", fingerprint(EMAIL), "text chunk Description"),
    ]


def test_a_png_chunk_that_unpacks_past_the_bound_is_unread() -> None:
    bomb = zlib.compress(bytes(MAX_GUNZIPPED + 1), 9)
    with pytest.raises(Unread) as raised:
        scan_file("big.png", png((b"zTXt", b"Comment\x00\x00" + bomb)), RULES)
    assert raised.value.args == (
        "unpacks to more than 67,108,864 bytes of text, more than the gate reads",
        "publish it without the text, or smaller",
    )


def test_an_audit_build_with_an_address_in_a_copied_pdf_fails_and_is_emptied(
    tmp_path: Path,
) -> None:
    docs: dict[str, str | bytes] = {
        "index.md": "# Restore test\n\nThe [report](files/restore-report.pdf).\n",
        "files/restore-report.pdf": pdf(f"Restored by {EMAIL}"),
    }
    result = build(make_project(tmp_path, docs))
    assert result.returncode == 1
    assert (
        "site/files/restore-report.pdf:1:13: email: page 1: an email address (fingerprint "
        f"{fingerprint(EMAIL)}) is published" in result.log
    )
    assert not any(p.is_file() for p in result.site.rglob("*"))

"""The dossier PDF's assembly (app.documents.dossier_pdf) and the streamed ZIP
(app.documents.zip_stream), on real files, without the database."""

from __future__ import annotations

import asyncio
import io
import os
import zipfile
from datetime import datetime

from pypdf import PdfReader, PdfWriter

from app.documents.checks import JPEG, PDF
from app.documents.dossier_pdf import PieceFile, build_dossier_pdf
from app.documents.zip_stream import CHUNK_BYTES, ZipMember, safe_name_part, zip_stream
from tests.fixtures.files import make_jpeg, make_pdf


def _front(toc, front_pages):
    lines = "".join(
        f"<p>{line.label} : {line.first_page} {'illisible' if line.unreadable else ''}</p>"
        for line in toc
    )
    return f"<h1>Dossier</h1>{lines}"


def _label(number, total):
    return f"Page {number} / {total}"


def _odd_pages() -> bytes:
    """A rotated A4 page and a small A5 landscape page."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842).rotate(90)
    writer.add_blank_page(595, 420)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pieces_follow_the_front_numbered_and_listed(tmp_path):
    two = tmp_path / "two.pdf"
    two.write_bytes(make_pdf(pages=2))
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(make_jpeg(300, 900))
    odd = tmp_path / "odd.pdf"
    odd.write_bytes(_odd_pages())
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.4 nothing here %%EOF")
    pieces = [
        PieceFile("Identité", two, PDF),
        PieceFile("Absente", None, ""),
        PieceFile("Photo", photo, JPEG),
        PieceFile("Perdue", tmp_path / "gone.pdf", PDF),
        PieceFile("Abîmée", damaged, PDF),
        PieceFile("Formats", odd, PDF),
    ]
    out = io.BytesIO()
    toc = build_dossier_pdf(front_html=_front, pieces=pieces, page_label=_label, out=out)

    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == 1 + 2 + 1 + 2
    assert [(line.label, line.first_page, line.page_count, line.unreadable) for line in toc] == [
        ("Identité", 2, 2, False),
        ("Absente", None, 0, False),
        ("Photo", 4, 1, False),
        ("Perdue", None, 0, True),
        ("Abîmée", None, 0, True),
        ("Formats", 5, 2, False),
    ]
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    assert "Identité : 2" in texts[0] and "Perdue : None illisible" in texts[0]
    assert texts[1:] == [f"Page {n} / 6" for n in range(2, 7)]
    assert texts[0].endswith("Page 1 / 6")
    # The JPEG's page keeps the photo's shape (portrait, 1:3) inside A4.
    box = reader.pages[3].mediabox
    assert round(float(box.height) / float(box.width), 2) == 3.0
    assert float(box.height) <= 842.5


def test_a_long_front_part_shifts_the_first_pages(tmp_path):
    piece = tmp_path / "p.pdf"
    piece.write_bytes(make_pdf(pages=1))

    def long_front(toc, front_pages):
        return "<p>ligne</p>" * 150 + _front(toc, front_pages)

    out = io.BytesIO()
    toc = build_dossier_pdf(
        front_html=long_front, pieces=[PieceFile("P", piece, PDF)], page_label=_label, out=out
    )
    total = len(PdfReader(io.BytesIO(out.getvalue())).pages)
    assert toc[0].first_page == total  # right after however many pages the front took
    assert total > 2


def _collect(members) -> tuple[bytes, int]:
    async def run():
        async def source():
            for member in members:
                yield member

        chunks = [chunk async for chunk in zip_stream(source())]
        return b"".join(chunks), len(chunks)

    return asyncio.run(run())


def test_the_zip_streams_in_chunks_and_reads_back_whole():
    big = os.urandom(3 * CHUNK_BYTES + 17)  # incompressible: several chunks leave
    when = datetime(2026, 6, 15, 10, 30)
    data, chunks = _collect(
        [
            ZipMember("A - DUPONT Camille/recapitulatif.pdf", lambda: io.BytesIO(b"%PDF-"), when),
            ZipMember("A - DUPONT Camille/01 - Photo.jpg", lambda: io.BytesIO(big), when),
        ]
    )
    assert chunks >= 4
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert archive.namelist() == [
        "A - DUPONT Camille/recapitulatif.pdf",
        "A - DUPONT Camille/01 - Photo.jpg",
    ]
    assert archive.read("A - DUPONT Camille/01 - Photo.jpg") == big
    assert archive.getinfo("A - DUPONT Camille/recapitulatif.pdf").date_time == (
        2026,
        6,
        15,
        10,
        30,
        0,
    )


def test_an_empty_zip_is_still_a_zip():
    data, _ = _collect([])
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == []


def test_names_from_free_text_cannot_leave_their_folder():
    assert safe_name_part("../../etc/passwd") == "_.._etc_passwd"
    assert safe_name_part("CV / parcours") == "CV _ parcours"
    assert safe_name_part("a\x00b\nc:d") == "abc_d"
    assert safe_name_part("...") == "fichier"
    assert safe_name_part("x" * 200) == "x" * 80

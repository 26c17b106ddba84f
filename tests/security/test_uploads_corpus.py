"""Defect 12: the upload attack corpus, over HTTP. Each crafted file is refused with its
own message and leaves nothing behind: no file on disk, no StoredFile row, the piece's
status unchanged. Valid files (made by pypdf and Pillow) are accepted."""

from __future__ import annotations

import pytest

from app.documents.checks import SCAN_BYTES, UploadError, UploadRefused, inspect_upload
from app.documents.storage import storage_path
from app.settings import get_settings
from app.tables.applications import SubmittedPiece
from app.tables.documents import StoredFile
from tests.fixtures.files import (
    JPEG,
    JPEG_HTML_POLYGLOT,
    JPEG_TRUNCATED,
    PDF,
    PDF_OPENING_JAVASCRIPT,
    PDF_TRUNCATED,
    PDF_WITH_ATTACHMENT,
    PDF_WITH_JAVASCRIPT,
    PDF_WITH_LAUNCH,
    SVG,
    make_pdf,
    pdf_of_size,
)
from tests.integration import test_application_pages as pages
from tests.integration.test_application_pages import (
    application_id_from,
    apply_to,
    storage_files,
    text_of,
    upload,
)

# The application pages' set-up: a campaign, a programme asking for six pieces, Camille.
world, camille = pages.world, pages.camille

PIECE = "« CURRICULUM VITAE » : "
DAMAGED = (
    PIECE + "ce fichier ne s'ouvre pas en entier (incomplet, endommagé ou protégé par un mot "
    "de passe). Enregistrez-le de nouveau puis déposez-le ; formats acceptés : PDF/JPG/JPEG, "
    "ne dépassant pas 2 Mo par pièce."
)
ACTIVE = (
    PIECE + "ce fichier contient du code ou des éléments actifs (JavaScript, action de "
    "lancement, fichier joint ou page web), refusés par sécurité. Enregistrez-le de nouveau "
    "au format PDF (« Imprimer » puis « Enregistrer au format PDF ») ou JPEG, puis "
    "déposez-le."
)
WRONG = (
    PIECE + "ce fichier n'est ni un PDF ni une image JPEG. Formats acceptés : PDF/JPG/JPEG, "
    "ne dépassant pas 2 Mo par pièce."
)
EMPTY = PIECE + "choisissez un fichier PDF/JPG/JPEG non vide, ne dépassant pas 2 Mo par pièce."
TOO_LARGE = (
    PIECE + "le fichier est trop volumineux. Déposez un fichier PDF/JPG/JPEG ne dépassant pas "
    "2 Mo par pièce."
)

CORPUS = [
    ("magic-only.pdf", b"%PDF-", DAMAGED),
    ("magic-only.jpg", b"\xff\xd8\xff", DAMAGED),
    ("polyglot.jpg", JPEG_HTML_POLYGLOT, ACTIVE),
    ("javascript.pdf", PDF_WITH_JAVASCRIPT, ACTIVE),
    ("open-javascript.pdf", PDF_OPENING_JAVASCRIPT, ACTIVE),
    ("launch.pdf", PDF_WITH_LAUNCH, ACTIVE),
    ("attachment.pdf", PDF_WITH_ATTACHMENT, ACTIVE),
    ("truncated.pdf", PDF_TRUNCATED, DAMAGED),
    ("truncated.jpg", JPEG_TRUNCATED, DAMAGED),
    ("no-pages.pdf", make_pdf(pages=0), DAMAGED),
    ("encrypted.pdf", make_pdf(setup=lambda w: w.encrypt("secret")), DAMAGED),
    ("image.svg", SVG, WRONG),
    ("../../etc/passwd.pdf", b"root:x:0:0:root:/root:/bin/bash\n", WRONG),
    ("empty.pdf", b"", EMPTY),
    ("oversize.pdf", pdf_of_size(2 * 1024 * 1024 + 1), TOO_LARGE),
]


@pytest.mark.parametrize(("name", "data", "message"), CORPUS, ids=[name for name, _, _ in CORPUS])
async def test_each_crafted_file_is_refused_and_leaves_nothing(camille, world, name, data, message):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    piece_id = world.pieces[1].id
    files_before = storage_files()
    pieces_before = await SubmittedPiece.select().order_by(SubmittedPiece.id)

    response = await upload(camille.http, application_id, piece_id, name, data)

    assert response.status_code == 422
    assert f"Le formulaire contient 1 erreur : {message}" in text_of(response.text)
    assert await StoredFile.count() == 0
    assert storage_files() == files_before
    assert await SubmittedPiece.select().order_by(SubmittedPiece.id) == pieces_before


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [("cv.pdf", PDF, "application/pdf"), ("photo.jpg", JPEG, "image/jpeg")],
)
async def test_valid_files_are_accepted(camille, world, name, data, content_type):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    response = await upload(camille.http, application_id, world.pieces[1].id, name, data)
    assert response.status_code == 303
    row = await StoredFile.objects().first()
    assert (row.content_type, row.size_bytes, row.original_name) == (
        content_type,
        len(data),
        name,
    )
    assert storage_path(row).read_bytes() == data


async def test_a_traversal_name_is_only_a_label(camille, world):
    application_id = application_id_from(await apply_to(camille.http, world.programme.id))
    before = storage_files()
    response = await upload(
        camille.http, application_id, world.pieces[1].id, "../../etc/passwd.pdf", PDF
    )
    assert response.status_code == 303
    row = await StoredFile.objects().first()
    assert row.original_name == "passwd.pdf"
    root = get_settings().storage_dir.resolve()
    assert storage_path(row).resolve().parent.parent == root
    assert storage_files() - before == {storage_path(row)}


def test_parsing_refuses_jpeg_truncation_even_when_pillow_is_told_to_tolerate_it(monkeypatch):
    # WeasyPrint sets this process-wide when imported; the check must not depend on it.
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(UploadRefused) as refused:
        inspect_upload(JPEG_TRUNCATED)
    assert refused.value.reason is UploadError.DAMAGED
    assert inspect_upload(JPEG) == "image/jpeg"


@pytest.mark.parametrize("offset", [-3, 0, 5])
def test_markup_is_found_across_the_pieces_the_scan_reads(offset):
    # The JPEG check scans the file a piece (SCAN_BYTES) at a time: a word cut between
    # two pieces is found all the same; the same padding without markup is accepted.
    padding = bytes(SCAN_BYTES + offset - len(JPEG))
    with pytest.raises(UploadRefused) as refused:
        inspect_upload(JPEG + padding + b"<script>alert(1)</script>")
    assert refused.value.reason is UploadError.ACTIVE_CONTENT
    assert inspect_upload(JPEG + padding + b"<scrip t>") == "image/jpeg"

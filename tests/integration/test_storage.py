"""Issue 5: storing uploaded pieces (app.documents.storage): checked by content, under a
random name, written atomically, nothing left behind on refusal."""

from __future__ import annotations

import hashlib
import re
from tempfile import SpooledTemporaryFile

import pytest

from app.documents.storage import (
    UploadError,
    UploadRefused,
    delete_stored,
    open_stored,
    storage_path,
    store_upload,
    store_upload_file,
)
from app.settings import get_settings
from app.tables.documents import StoredFile
from tests.factories import make_account, make_campaign
from tests.fixtures.files import JPEG, PDF, pdf_of_size

LIMIT = 2 * 1024 * 1024


def files_on_disk() -> set[str]:
    root = get_settings().storage_dir
    if not root.exists():
        return set()
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
async def account():
    return await make_account(await make_campaign())


def test_the_limit_is_two_megabytes():
    assert get_settings().max_upload_bytes == LIMIT


@pytest.mark.parametrize(
    ("filename", "data", "reason"),
    [
        ("dossier.pdf", pdf_of_size(LIMIT + 1), UploadError.TOO_LARGE),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, UploadError.WRONG_TYPE),
        (
            "photo.jpg",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            UploadError.WRONG_TYPE,
        ),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, UploadError.WRONG_TYPE),
        ("vide.pdf", b"", UploadError.EMPTY),
    ],
    ids=["2MB-plus-one-byte", "exe-named-pdf", "html-named-jpg", "png", "empty"],
)
async def test_refused_uploads_leave_nothing_behind(account, filename, data, reason):
    before = files_on_disk()
    with pytest.raises(UploadRefused) as refused:
        await store_upload(owner_account_id=account.id, filename=filename, data=data)
    assert refused.value.reason is reason
    assert files_on_disk() == before
    assert await StoredFile.count() == 0


async def test_a_pdf_of_exactly_two_megabytes_is_stored_under_a_random_name(account):
    data = pdf_of_size(LIMIT)
    before = files_on_disk()

    file_id = await store_upload(owner_account_id=account.id, filename="CV Léa.pdf", data=data)

    row = await StoredFile.objects().get(StoredFile.id == file_id)
    assert re.fullmatch(r"[0-9a-f]{32}", row.storage_key)
    assert (row.owner, row.original_name, row.content_type, row.size_bytes) == (
        account.id,
        "CV Léa.pdf",
        "application/pdf",
        LIMIT,
    )
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    path = storage_path(row)
    assert path == get_settings().storage_dir / row.storage_key[:2] / row.storage_key
    assert path.read_bytes() == data
    assert files_on_disk() - before == {f"{row.storage_key[:2]}/{row.storage_key}"}


def spooled(data: bytes) -> SpooledTemporaryFile:
    """What Litestar hands over for an uploaded file: a spooled file, on disk past 1 MB."""
    spool = SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - closed by the test
    spool.write(data)
    return spool


async def test_a_spooled_upload_on_disk_is_stored_from_its_file(account):
    data = pdf_of_size(LIMIT)
    with spooled(data) as spool:
        assert spool._rolled  # on disk: the storage reads it from there

        file_id = await store_upload_file(
            owner_account_id=account.id, filename="scan.pdf", source=spool
        )

    row = await StoredFile.objects().get(StoredFile.id == file_id)
    assert (row.content_type, row.size_bytes) == ("application/pdf", LIMIT)
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    assert storage_path(row).read_bytes() == data


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (pdf_of_size(LIMIT + 1), UploadError.TOO_LARGE),
        (b"%PDF-1.4\n" + bytes(1024 * 1024 + 10), UploadError.DAMAGED),
    ],
    ids=["2MB-plus-one-byte", "pdf-without-eof"],
)
async def test_a_refused_spooled_upload_leaves_nothing_behind(account, data, reason):
    before = files_on_disk()
    with spooled(data) as spool, pytest.raises(UploadRefused) as refused:
        await store_upload_file(owner_account_id=account.id, filename="scan.pdf", source=spool)
    assert refused.value.reason is reason
    assert files_on_disk() == before  # not even a temporary file
    assert await StoredFile.count() == 0


async def test_the_content_decides_the_type_and_the_name_is_only_shown(account):
    file_id = await store_upload(
        owner_account_id=account.id, filename="..\\..\\etc/passwd\x00.pdf", data=JPEG
    )
    row = await StoredFile.objects().get(StoredFile.id == file_id)
    assert (row.content_type, row.original_name) == ("image/jpeg", "passwd.pdf")
    assert "passwd" not in str(storage_path(row))


async def test_a_failed_insert_removes_the_file(account):
    before = files_on_disk()
    with pytest.raises(Exception, match=r"(?i)foreign key|violates"):
        await store_upload(owner_account_id=account.id + 999, filename="cv.pdf", data=PDF)
    assert files_on_disk() == before
    assert await StoredFile.count() == 0


async def test_open_and_delete(account):
    file_id = await store_upload(owner_account_id=account.id, filename="cv.pdf", data=PDF)
    path = storage_path(await StoredFile.objects().get(StoredFile.id == file_id))
    assert await open_stored(file_id) == PDF
    assert await open_stored(file_id, owner_account_id=account.id) == PDF
    assert await open_stored(file_id, owner_account_id=account.id + 1) is None

    assert await delete_stored(file_id) is True
    assert not path.exists()
    assert await open_stored(file_id) is None
    assert await delete_stored(file_id) is False


def test_storage_keys_are_checked():
    with pytest.raises(ValueError, match="not a storage key"):
        storage_path("../../etc/passwd")

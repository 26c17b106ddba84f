"""Issue 12: a commission's signature image, uploaded in the admin, stored like every
other file, opened back behind the admin's sign-in; the only upload the admin takes."""

from __future__ import annotations

import pytest

from app.backoffice.admin_files import WRITE_REFUSAL
from app.documents.storage import open_stored_key
from app.tables.catalog import Commission
from app.tables.documents import StoredFile
from tests.fixtures.files import JPEG, make_pdf
from tests.integration.test_admin import (
    admin_csrf_token,
    admin_login,
    admin_visitor,
    admin_write,
    make_application_rows,
    make_user,
)

SIGNATURE = {"table_name": "commission", "column_name": "signature_image"}


@pytest.fixture
async def staff(app):
    async with admin_visitor(app) as http:
        await make_user("scolarite")
        assert (await admin_login(http, "scolarite")).status_code == 200
        yield http


async def upload(http, data: bytes, name: str, form=SIGNATURE):
    return await http.post(
        "/admin/api/media/",
        data=form,
        files={"file": (name, data, "image/jpeg")},
        headers={"X-CSRFToken": await admin_csrf_token(http)},
    )


async def test_a_signature_is_uploaded_set_on_the_commission_and_opened(staff):
    await make_application_rows()
    commission = await Commission.objects().first()

    response = await upload(staff, JPEG, "signature.jpg")

    assert response.status_code == 200, response.text
    key = response.json()["file_key"]
    [stored] = await StoredFile.select(
        StoredFile.storage_key, StoredFile.kind, StoredFile.content_type, StoredFile.owner
    )
    assert stored == {
        "storage_key": key,
        "kind": "staff",
        "content_type": "image/jpeg",
        "owner": None,
    }
    assert await open_stored_key(key) == JPEG

    saved = await admin_write(
        staff, "PATCH", f"commission/{commission.id}/", {"signature_image": key}
    )
    assert saved.status_code == 200, saved.text
    row = await Commission.select(Commission.signature_image).where(Commission.id == commission.id)
    assert row == [{"signature_image": key}]

    opened = await staff.get(f"/admin/api/media-files/commission/signature_image/{key}")
    assert opened.status_code == 200
    assert opened.content == JPEG
    assert opened.headers["content-type"] == "image/jpeg"


async def test_a_pdf_is_not_a_signature_and_other_uploads_stay_refused(staff):
    await make_application_rows()
    refused = await upload(staff, make_pdf(), "signature.pdf")
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("Signature refusée : déposez une image JPEG")

    other = await upload(
        staff, JPEG, "x.jpg", form={"table_name": "stored_file", "column_name": "storage_key"}
    )
    assert other.status_code == 405
    assert other.json() == {"detail": WRITE_REFUSAL}
    assert await StoredFile.count() == 0


async def test_signed_out_visitors_upload_nothing(app):
    async with admin_visitor(app) as http:
        response = await upload(http, JPEG, "signature.jpg")
    assert response.status_code in (401, 403)
    assert await StoredFile.count() == 0

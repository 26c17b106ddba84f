"""The commission's signature image (issue 12), uploaded in the admin.

Letters print the signature of their commission. The admin's media widget uploads it
here: the file goes through the same checks as a piece (a whole JPEG, nothing active,
at most ``MAX_UPLOAD_BYTES``) and is stored like every other file, under a random key
(``StoredFile``, kind "staff"); the column keeps that key. It is opened back through
the admin's authorised file route (:mod:`app.backoffice.admin_files`).

This is the one upload the admin accepts: :func:`is_signature_upload` tells the file
route which uploads to hand on to piccolo-admin (the others stay refused).
"""

from __future__ import annotations

import asyncio
from typing import IO
from urllib.parse import quote

from piccolo.apps.user.tables import BaseUser
from piccolo_api.media.base import MediaStorage

from app.documents.storage import UploadRefused, store_signature
from app.settings import get_settings
from app.tables.catalog import Commission

SIGNATURE_TABLE = "commission"
SIGNATURE_COLUMN = "signature_image"
SIGNATURE_REFUSED = (
    "Signature refusée : déposez une image JPEG (pas un PDF), lisible, de {size} Mo au plus."
)


def is_signature_upload(fields: dict[str, str]) -> bool:
    return (
        fields.get("table_name") == SIGNATURE_TABLE
        and fields.get("column_name") == SIGNATURE_COLUMN
    )


class SignatureMedia(MediaStorage):
    """``Commission.signature_image`` as a media column: upload a JPEG, open it."""

    def __init__(self) -> None:
        super().__init__(column=Commission.signature_image, allowed_extensions=None)

    def __hash__(self) -> int:
        return hash((SIGNATURE_TABLE, SIGNATURE_COLUMN))

    def __eq__(self, value: object) -> bool:
        return isinstance(value, SignatureMedia)

    async def store_file(self, file_name: str, file: IO, user: BaseUser | None = None) -> str:
        limit = get_settings().max_upload_bytes
        data = await asyncio.to_thread(file.read, limit + 1)
        try:
            return await store_signature(filename=file_name, data=data)
        except UploadRefused:
            # piccolo-admin answers 422 with the message
            raise ValueError(SIGNATURE_REFUSED.format(size=limit // (1024 * 1024))) from None

    async def generate_file_url(
        self, file_key: str, root_url: str, user: BaseUser | None = None
    ) -> str:
        return f"{root_url}{quote(file_key, safe='')}"

    async def get_file(self, file_key: str) -> IO | None:
        return None

    async def delete_file(self, file_key: str) -> None:
        return None  # the StoredFile row stays: letters already issued may be re-printed

    async def bulk_delete_files(self, file_keys: list[str]) -> None:
        return None

    async def get_file_keys(self) -> list[str]:
        return []

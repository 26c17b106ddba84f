"""Stored files opened from the admin, behind its sign-in, never from the storage folder.

piccolo-admin shows a media column with an eye: it asks ``POST /api/media/generate-
file-url/`` for the file's URL and opens (or downloads) that URL. It serves such URLs
itself only for ``LocalMediaStorage``, as static files of a whole folder, with names
that carry no content type. :class:`StoredFileMedia` is our storage seen as piccolo's
``MediaStorage`` over ``StoredFile.storage_key`` (the random name, not a path); the URL
it answers is served by :func:`with_stored_files`, which checks the admin session and
the staff role on every request, then sends the stored bytes with the file's own type
and name, sandboxed as the review desk sends them.

The admin writes one kind of file only, a commission's signature image
(:mod:`app.backoffice.admin_signature`); every other upload is refused (405) and the
storage has no delete.
"""

from __future__ import annotations

from typing import IO
from urllib.parse import quote

from piccolo.apps.user.tables import BaseUser
from piccolo_api.media.base import MediaStorage
from piccolo_api.session_auth.tables import SessionsBase
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.backoffice.access import REFUSAL, SESSION_COOKIE, may_enter_admin
from app.backoffice.admin_signature import is_signature_upload
from app.documents.serving import STAFF_FILE_CSP, file_headers
from app.documents.storage import open_stored
from app.tables.documents import StoredFile

# Inside the /admin mount (the prefix is cut off); the path piccolo-admin builds from
# the table and column names (``generate_file_url``'s ``root_url``).
FILE_PATH = "/api/media-files/stored_file/storage_key/"
SIGNATURE_PATH = "/api/media-files/commission/signature_image/"
FILE_PATHS = (FILE_PATH, SIGNATURE_PATH)
UPLOAD_PATH = "/api/media/"
UPLOAD_MAX_BYTES = 4 * 1024 * 1024  # a signature (≤ MAX_UPLOAD_BYTES) and its form
WRITE_REFUSAL = (
    "Modification refusée : les fichiers sont déposés par les candidats ou produits par "
    "l'application ; l'administration les ouvre seulement."
)
SIGN_IN = "Connectez-vous à l'administration pour ouvrir ce fichier."
NOT_FOUND = "Fichier introuvable."


class StoredFileMedia(MediaStorage):
    """``StoredFile.storage_key`` as a media column: read-only, served by the route of
    :func:`with_stored_files`."""

    def __init__(self) -> None:
        super().__init__(column=StoredFile.storage_key, allowed_extensions=None)

    def __hash__(self) -> int:
        return hash(("stored_file", "storage_key"))

    def __eq__(self, value: object) -> bool:
        return isinstance(value, StoredFileMedia)

    async def store_file(self, file_name: str, file: IO, user: BaseUser | None = None) -> str:
        raise ValueError(WRITE_REFUSAL)  # piccolo-admin answers 422 with it

    async def generate_file_url(
        self, file_key: str, root_url: str, user: BaseUser | None = None
    ) -> str:
        # Any key gets a URL; the route answers 404 for one that is not stored.
        return f"{root_url}{quote(file_key, safe='')}"

    async def get_file(self, file_key: str) -> IO | None:
        return None  # piccolo-admin never reads files through the storage

    async def delete_file(self, file_key: str) -> None:
        raise ValueError(WRITE_REFUSAL)

    async def bulk_delete_files(self, file_keys: list[str]) -> None:
        raise ValueError(WRITE_REFUSAL)

    async def get_file_keys(self) -> list[str]:
        # piccolo's "delete unused files" would compare these with the column: none.
        return []


def with_stored_files(admin_app: ASGIApp) -> ASGIApp:
    """Serve ``FILE_PATH<storage_key>`` to signed-in admin staff; refuse media uploads."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(FILE_PATHS):
            response = await _download(scope)
        elif scope["type"] == "http" and scope["path"] == UPLOAD_PATH:
            body = await _signature_upload(scope, receive)
            if body is not None:
                await admin_app(scope, _replay(body), send)
                return
            response = JSONResponse({"detail": WRITE_REFUSAL}, status_code=405)
        else:
            await admin_app(scope, receive, send)
            return
        await response(scope, receive, send)

    return app


async def _signature_upload(scope: Scope, receive: Receive) -> bytes | None:
    """The body of a signature upload, read whole (it is small), to hand on to the
    admin; None for any other upload (or one too large to be a signature)."""
    if scope["method"] != "POST":
        return None
    chunks, size = [], 0
    while True:
        message = await receive()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > UPLOAD_MAX_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    try:
        form = await Request(scope, _replay(body)).form()
        fields = {key: value for key, value in form.items() if isinstance(value, str)}
        await form.close()
    except Exception:  # not a form piccolo-admin would read either
        return None
    return body if is_signature_upload(fields) else None


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _download(scope: Scope) -> Response:
    if scope["method"] not in ("GET", "HEAD"):
        return JSONResponse({"detail": WRITE_REFUSAL}, status_code=405)
    # The admin's own check (piccolo-api's session middleware) does not run on this
    # path: the same rules, the session then the role, are checked here.
    token = HTTPConnection(scope).cookies.get(SESSION_COOKIE)
    user_id = await SessionsBase.get_user_id(token) if token else None
    if user_id is None:
        return JSONResponse({"detail": SIGN_IN}, status_code=401)
    if not await may_enter_admin(user_id):
        return JSONResponse({"detail": REFUSAL}, status_code=403)
    # The portal's mount hands the path on with a trailing slash.
    prefix = next(p for p in FILE_PATHS if scope["path"].startswith(p))
    key = scope["path"][len(prefix) :].removesuffix("/")
    if len(key) != 32 or any(c not in "0123456789abcdef" for c in key):
        return JSONResponse({"detail": NOT_FOUND}, status_code=404)
    found = (
        await StoredFile.select(StoredFile.id, StoredFile.content_type, StoredFile.original_name)
        .where(StoredFile.storage_key == key)
        .first()
    )
    data = await open_stored(found["id"]) if found else None
    if found is None or data is None:
        return JSONResponse({"detail": NOT_FOUND}, status_code=404)
    return Response(
        content=data,
        media_type=found["content_type"],
        headers=file_headers(found["original_name"], policy=STAFF_FILE_CSP),
    )

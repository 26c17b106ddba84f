"""The portal as a CAS client of the university's SSO (CAS protocol 3.0, python-cas).

python-cas builds the URLs and parses the XML; its ticket validation is a blocking
``requests`` call, so it runs in a worker thread: the event loop keeps serving,
which matters in development, where the CAS server answering is this very app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

import anyio.to_thread
import requests
import structlog
from cas import CASClient, CASClientV3

from app.settings import Settings, get_settings

log = structlog.get_logger(__name__)

CAS_NAMESPACE = "http://www.yale.edu/tp/cas"
DEV_CAS_PATH = "/dev/cas"
RETURN_PATH = "/universite/retour"
STUDENT_NUMBER_ATTRIBUTE = "supannEtuId"
"""SUPANN's student-number attribute, released by French universities' CAS servers."""
VALIDATION_TIMEOUT_SECONDS = 10.0
MAX_TICKET_LENGTH = 256  # CAS 3.0 §3.7: services must accept tickets up to 256 chars


class CasValidationError(Exception):
    """The ticket did not prove who the user is.

    ``code`` is the CAS failure code (``INVALID_TICKET``, ``INVALID_SERVICE``...), or
    ``UNREACHABLE`` / ``BAD_RESPONSE`` when the CAS server could not be asked.
    """

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class CasIdentity:
    """Who the CAS server says signed in: the user name and the released attributes."""

    user: str
    attributes: dict[str, Any] = field(default_factory=dict)

    def attribute(self, name: str) -> str:
        """One value of an attribute (the first, when multi-valued), or ``""``."""
        value = self.attributes.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        return (value or "").strip()

    @property
    def student_number(self) -> str:
        return self.attribute(STUDENT_NUMBER_ATTRIBUTE)


class _TimeoutSession(requests.Session):
    """python-cas passes no timeout: a CAS server that never answers would hold a
    thread (and the student's request) forever."""

    def request(self, method, url, **kwargs):  # type: ignore[override]
        kwargs.setdefault("timeout", VALIDATION_TIMEOUT_SECONDS)
        return super().request(method, url, **kwargs)


def cas_server_url(settings: Settings | None = None) -> str:
    """The CAS server's base URL, with the final "/" python-cas' ``urljoin`` needs
    (without it, ``https://cas.example.fr/cas`` + ``login`` loses ``cas/``)."""
    settings = settings or get_settings()
    url = settings.cas_server_url or f"{settings.base_url}{DEV_CAS_PATH}"
    return url.rstrip("/") + "/"


def service_url(settings: Settings | None = None) -> str:
    """Where the CAS server sends the student back; validation must name it exactly."""
    return f"{(settings or get_settings()).base_url}{RETURN_PATH}"


def cas_client(settings: Settings | None = None) -> CASClientV3:
    settings = settings or get_settings()
    return CASClient(
        version=3,
        server_url=cas_server_url(settings),
        service_url=service_url(settings),
        session=_TimeoutSession(),
    )


def login_url() -> str:
    return cas_client().get_login_url()


def logout_url(return_to: str | None = None) -> str:
    """The CAS logout URL: signing out of the portal leaves the SSO session open
    unless the student is sent there too."""
    return cas_client().get_logout_url(return_to)


def _failure_code(content: bytes) -> tuple[str, str]:
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as exc:
        raise CasValidationError("BAD_RESPONSE", "not XML") from exc
    failure = root.find(f"{{{CAS_NAMESPACE}}}authenticationFailure")
    if failure is None:
        return "BAD_RESPONSE", "neither success nor failure"
    return failure.get("code", "UNKNOWN"), (failure.text or "").strip()


def _verify(client: CASClientV3, ticket: str) -> CasIdentity:
    """Blocking: ask the CAS server, parse its answer."""
    try:
        content = client.get_verification_response(ticket)
    except requests.RequestException as exc:
        raise CasValidationError("UNREACHABLE", type(exc).__name__) from exc
    finally:
        client.session.close()
    try:
        user, attributes, _ = client.verify_response(content)
    except ElementTree.ParseError as exc:
        raise CasValidationError("BAD_RESPONSE", "not XML") from exc
    if not user:
        raise CasValidationError(*_failure_code(content))
    return CasIdentity(user=user.strip(), attributes=dict(attributes or {}))


async def validate_ticket(ticket: str) -> CasIdentity:
    """Validate a service ticket against the CAS server (``p3/serviceValidate``).

    Raises :class:`CasValidationError`; a ticket is single use, so a failure is final.
    """
    if not ticket or len(ticket) > MAX_TICKET_LENGTH or not ticket.isprintable():
        raise CasValidationError("INVALID_TICKET_SPEC")
    client = cas_client()
    try:
        return await anyio.to_thread.run_sync(_verify, client, ticket)
    except CasValidationError as exc:
        log.warning("cas_validation_failed", code=exc.code, detail=exc.detail)
        raise

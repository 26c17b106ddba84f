"""A development CAS server inside the app (mounted only when ENV=dev, see ``asgi``).

It speaks the real CAS 3.0 protocol over HTTP, so the portal's CAS client (python-cas)
is exercised exactly as against a university's server: ``/login`` asks for the user
name and password of a demo student (``demo_students.json``) and sends the browser
back to the service with a one-time service ticket; ``/serviceValidate`` and
``/p3/serviceValidate`` answer the standard XML with the SUPANN attributes the
portal reads; ``/logout`` ends nothing (there is no single sign-on session here: every
login asks for the password) and returns to the service.

Tickets live in Redis for five minutes and are burned by their first validation
attempt, successful or not (CAS 3.0 §3.1.1).
"""

from __future__ import annotations

import hmac
import json
import secrets
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.etree import ElementTree

from litestar import MediaType, Request, Response, get, post
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.params import FromQuery
from litestar.response import Redirect
from redis.asyncio import Redis

from app.accounts.cas_client import CAS_NAMESPACE, DEV_CAS_PATH, STUDENT_NUMBER_ATTRIBUTE
from app.accounts.student_records import DEMO_STUDENTS_PATH, DemoStudentRecords
from app.core.i18n import gettext as _
from app.settings import get_settings
from app.web.forms import Form, read_form
from app.web.templating import Template

TICKET_PREFIX = "ST-"
TICKET_TTL_SECONDS = 5 * 60
TICKET_KEY = "ecesure:devcas:ticket:"
XML_MEDIA_TYPE = "application/xml; charset=utf-8"
SKIP_SESSION = {"skip_session": True}

ElementTree.register_namespace("cas", CAS_NAMESPACE)


def dev_only(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Second lock behind ``create_app`` mounting these routes only in dev: a
    password-checking server fed by a public file must never answer in production."""
    if get_settings().is_prod:
        raise NotFoundException()


# --- the directory ---------------------------------------------------------------------


@cache
def demo_passwords(path: Path = DEMO_STUDENTS_PATH) -> dict[str, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {student["cas_login"]: student["password"] for student in data["students"]}


def check_password(username: str, password: str, path: Path = DEMO_STUDENTS_PATH) -> bool:
    expected = demo_passwords(path).get(username)
    # Compared even for an unknown user, so the answer time says nothing.
    matches = hmac.compare_digest(password.encode(), (expected or "\0").encode())
    return expected is not None and matches


_directory = DemoStudentRecords()


async def released_attributes(username: str) -> dict[str, str]:
    """What a French university's CAS releases to the portal (SUPANN names)."""
    record = await _directory.find_by_cas_login(username)
    if record is None:
        return {}
    identity = record.identity
    return {
        STUDENT_NUMBER_ATTRIBUTE: record.student_number,
        "mail": record.university_email,
        "givenName": identity.first_name,
        "sn": identity.usual_name or identity.birth_name,
    }


# --- service tickets ---------------------------------------------------------------------


def service_allowed(service: str) -> bool:
    """The registered services: this portal's own pages (a CAS server only sends
    tickets to services it knows, or it becomes an open redirect)."""
    return service.startswith(get_settings().base_url + "/")


async def issue_ticket(redis: Redis, *, username: str, service: str) -> str:
    ticket = TICKET_PREFIX + secrets.token_urlsafe(32)
    payload = json.dumps({"user": username, "service": service})
    await redis.set(TICKET_KEY + ticket, payload, ex=TICKET_TTL_SECONDS)
    return ticket


async def redeem_ticket(redis: Redis, ticket: str) -> dict | None:
    """The ticket's content, deleted in the same step (GETDEL): single use even when
    two validations race."""
    raw = await redis.getdel(TICKET_KEY + ticket)
    return json.loads(raw) if raw else None


def with_ticket(service: str, ticket: str) -> str:
    parts = urlsplit(service)
    query = [*parse_qsl(parts.query, keep_blank_values=True), ("ticket", ticket)]
    return urlunsplit(parts._replace(query=urlencode(query)))


# --- XML answers ---------------------------------------------------------------------------


def _cas(tag: str) -> str:
    return f"{{{CAS_NAMESPACE}}}{tag}"


def success_xml(username: str, attributes: dict[str, str]) -> str:
    root = ElementTree.Element(_cas("serviceResponse"))
    success = ElementTree.SubElement(root, _cas("authenticationSuccess"))
    ElementTree.SubElement(success, _cas("user")).text = username
    released = ElementTree.SubElement(success, _cas("attributes"))
    for name, value in attributes.items():
        ElementTree.SubElement(released, _cas(name)).text = value
    return ElementTree.tostring(root, encoding="unicode")


def failure_xml(code: str, message: str) -> str:
    root = ElementTree.Element(_cas("serviceResponse"))
    failure = ElementTree.SubElement(root, _cas("authenticationFailure"), code=code)
    failure.text = message
    return ElementTree.tostring(root, encoding="unicode")


async def validation_answer(redis: Redis, *, service: str, ticket: str) -> str:
    """The XML for one validation request (CAS 3.0 §2.5 and §2.6)."""
    if not service or not ticket:
        return failure_xml("INVALID_REQUEST", "service and ticket are required")
    if not ticket.startswith(TICKET_PREFIX):
        return failure_xml("INVALID_TICKET_SPEC", f"{ticket} is not a service ticket")
    content = await redeem_ticket(redis, ticket)
    if content is None:
        return failure_xml("INVALID_TICKET", f"Ticket {ticket} not recognized")
    if content["service"] != service:
        return failure_xml("INVALID_SERVICE", f"Ticket {ticket} was not issued for {service}")
    return success_xml(content["user"], await released_attributes(content["user"]))


# --- pages -----------------------------------------------------------------------------------


def _login_page(*, service: str, form: Form | None = None) -> Template:
    return Template(
        template_name="accounts/dev_cas_login.html",
        context={"service": service, "form": form or Form()},
    )


def _message_page(title: str, text: str, *, status_code: int = 200) -> Template:
    return Template(
        template_name="accounts/dev_cas_message.html",
        context={"title": title, "text": text},
        status_code=status_code,
    )


def _unknown_service() -> Template:
    return _message_page(
        _("Application non autorisée"),
        _("Cette application n'est pas autorisée à utiliser le service d'authentification."),
        status_code=403,
    )


@get(
    f"{DEV_CAS_PATH}/login",
    name="dev_cas_login_form",
    guards=[dev_only],
    opt=SKIP_SESSION,
    include_in_schema=False,
)
async def dev_cas_login_form(
    service: FromQuery[str | None] = None, gateway: FromQuery[str | None] = None
) -> Template | Redirect:
    service = service or ""
    if service and not service_allowed(service):
        return _unknown_service()
    if gateway and service:
        # Gateway mode asks "already signed in?" without prompting: there is no single
        # sign-on session here, so the answer is always "no" (back without a ticket).
        return Redirect(service, status_code=303)
    return _login_page(service=service)


@post(
    f"{DEV_CAS_PATH}/login",
    name="dev_cas_login",
    guards=[dev_only],
    opt=SKIP_SESSION,
    include_in_schema=False,
    status_code=200,
)
async def dev_cas_login(request: Request) -> Template | Redirect:
    form = await read_form(request)
    service = form.values.get("service", "")
    if service and not service_allowed(service):
        return _unknown_service()
    username = form.require("username", _("Saisissez votre identifiant.")).strip()
    password = form.require("password", _("Saisissez votre mot de passe."))
    if form.ok and not check_password(username, password):
        form.add_error("password", _("Identifiant ou mot de passe incorrect."))
    if not form.ok:
        return _login_page(service=service, form=form)
    if not service:
        return _message_page(
            _("Connexion réussie"),
            _(
                "Vous êtes connecté au service d'authentification en tant que %(user)s.",
                user=username,
            ),
        )
    ticket = await issue_ticket(request.app.state.redis, username=username, service=service)
    return Redirect(with_ticket(service, ticket), status_code=303)


@get(
    [f"{DEV_CAS_PATH}/serviceValidate", f"{DEV_CAS_PATH}/p3/serviceValidate"],
    name="dev_cas_service_validate",
    guards=[dev_only],
    opt=SKIP_SESSION,
    include_in_schema=False,
    media_type=MediaType.XML,
)
async def dev_cas_service_validate(
    request: Request, service: FromQuery[str | None] = None, ticket: FromQuery[str | None] = None
) -> Response[str]:
    body = await validation_answer(
        request.app.state.redis, service=service or "", ticket=ticket or ""
    )
    return Response(content=body, media_type=XML_MEDIA_TYPE)


@get(
    f"{DEV_CAS_PATH}/logout",
    name="dev_cas_logout",
    guards=[dev_only],
    opt=SKIP_SESSION,
    include_in_schema=False,
)
async def dev_cas_logout(service: FromQuery[str | None] = None) -> Template | Redirect:
    if service and service_allowed(service):
        return Redirect(service, status_code=303)
    return _message_page(
        _("Déconnexion"),
        _("Vous êtes déconnecté du service d'authentification."),
    )


dev_cas_routes = [dev_cas_login_form, dev_cas_login, dev_cas_service_validate, dev_cas_logout]

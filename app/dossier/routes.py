"""Dossier pages (issue 4): the overview, then one page per section (guide §04).

Handlers parse, call one service function, render; every page works without
JavaScript (see ``app.dossier.pages`` for the refresh / validate / save modes).
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, Router, get, post
from litestar.params import FromQuery
from litestar.response import Redirect

from app.accounts.guards import (
    FirstSignInRequired,
    account_id_of,
    signed_in_candidate,
    to_first_sign_in,
)
from app.clock import today
from app.core.i18n import gettext as _
from app.dossier import service
from app.dossier.forms import address as address_form
from app.dossier.forms import bac as bac_form
from app.dossier.forms import identity as identity_form
from app.dossier.locks import application_reason, bac_lock, identity_locks
from app.dossier.overview import dossier_overview
from app.dossier.pages import Mode, dossier_page, mode_of, refused, saved_message
from app.dossier.queries import address_of, bac_of, has_live_application, internal_studies_of
from app.dossier.routes_rows import row_routes
from app.web.forms import Form, read_form
from app.web.templating import Template

IDENTITY_URL = "/dossier/informations-personnelles"
ADDRESS_URL = "/dossier/adresse"
BAC_URL = "/dossier/baccalaureat"


def _saved(section: str) -> Redirect:
    return Redirect(f"/dossier?enregistre={section}", status_code=303)


@get("/", name="dossier")
async def overview(request: Request, enregistre: FromQuery[str | None] = None) -> Template:
    return dossier_page(
        "overview",
        overview=await dossier_overview(account_id_of(request)),
        saved=saved_message(enregistre),
    )


# --- informations personnelles -------------------------------------------------------


@dataclass
class IdentityState:
    candidate: dict
    locks: dict[str, str]
    values: dict[str, str]
    shown: dict[str, str]
    all_locked: bool


async def _identity_state(account_id: int) -> IdentityState:
    candidate = await service.ensure_candidate(account_id=account_id)
    has_application = await has_live_application(candidate["id"])
    locks = identity_locks(candidate, has_application=has_application)
    shown = await identity_form.displayed_values(candidate["id"]) if locks else {}
    return IdentityState(
        candidate=candidate,
        locks=locks,
        values=await identity_form.initial_values(candidate),
        shown=shown,
        all_locked=has_application,
    )


def _identity_page(
    state: IdentityState, form: Form, fields, status_code: int = 200, *, ine_taken: bool = False
) -> Template:
    return dossier_page(
        "identity",
        status_code=status_code,
        form=form,
        fields=fields,
        action=IDENTITY_URL,
        all_locked=state.all_locked,
        lock_reason=application_reason() if state.all_locked else "",
        imported=state.candidate["from_student_records"],
        ine_taken=ine_taken,
    )


def _locked_value_changed(state: IdentityState, submitted: dict[str, str]) -> str:
    """A locked field sent with another value than the stored one: its reason."""
    for name, reason in state.locks.items():
        if name in submitted and submitted[name].strip() != state.values.get(name, "").strip():
            return reason
    return ""


@get("/informations-personnelles", name="dossier_identity")
async def identity_page(request: Request) -> Template:
    state = await _identity_state(account_id_of(request))
    fields = await identity_form.build_fields(state.values, state.locks, state.shown)
    return _identity_page(state, Form(values=dict(state.values)), fields)


@post("/informations-personnelles")
async def identity_post(request: Request) -> Template | Redirect:
    account_id = account_id_of(request)
    state = await _identity_state(account_id)
    submitted = await read_form(request)
    mode = mode_of(submitted)
    locked_change = _locked_value_changed(state, submitted.values)
    # Locked fields keep their stored values whatever was sent.
    form = Form(
        values={**submitted.values, **{n: state.values.get(n, "") for n in state.locks}},
        errors={n: m for n, m in submitted.errors.items() if n not in state.locks},
    )
    fields = await identity_form.build_fields(form.values, state.locks, state.shown)
    if mode is Mode.REFRESH:
        return _identity_page(state, form, fields)
    if mode is Mode.SAVE and (state.all_locked or locked_change):
        return refused(locked_change or application_reason(), IDENTITY_URL)
    changes = await identity_form.validate(form, fields, state.candidate, today=today())
    if mode is Mode.VALIDATE or not form.ok:
        return _identity_page(state, form, fields)
    try:
        await service.save_identity(account_id=account_id, changes=changes)
    except service.DossierLocked as locked:
        return refused(locked.reason, IDENTITY_URL)
    except service.IneTaken:
        # Whose account it is stays unsaid: the owner recovers its login by mail.
        form.add_error(
            "ine",
            _(
                "Cet INE est déjà enregistré dans un autre compte de cette campagne : "
                "utilisez ce compte. Si vous avez oublié son identifiant, "
                "faites-vous-le envoyer par courriel."
            ),
        )
        return _identity_page(state, form, fields, ine_taken=True)
    return _saved("informations-personnelles")


# --- adresse -------------------------------------------------------------------------


@get("/adresse", name="dossier_address")
async def address_page(request: Request) -> Template:
    candidate = await service.ensure_candidate(account_id=account_id_of(request))
    values = await address_form.initial_values(await address_of(candidate))
    fields = await address_form.build_fields(values)
    return dossier_page("address", form=Form(values=values), fields=fields, action=ADDRESS_URL)


@post("/adresse")
async def address_post(request: Request) -> Template | Redirect:
    account_id = account_id_of(request)
    form = await read_form(request)
    mode = mode_of(form)
    fields = await address_form.build_fields(form.values)
    if mode is not Mode.REFRESH:
        changes = address_form.validate(form, fields)
        if mode is Mode.SAVE and form.ok:
            try:
                await service.save_address(account_id=account_id, changes=changes)
            except service.DossierLocked as locked:
                return refused(locked.reason, ADDRESS_URL)
            return _saved("adresse")
    return dossier_page("address", form=form, fields=fields, action=ADDRESS_URL)


# --- baccalauréat --------------------------------------------------------------------


async def _bac_context(account_id: int) -> tuple[dict | None, str, dict]:
    candidate = await service.ensure_candidate(account_id=account_id)
    bac = await bac_of(candidate["id"])
    locked = bac_lock(bac)
    shown = await bac_form.displayed_values(bac["id"]) if locked else {}
    return bac, locked, shown


@get("/baccalaureat", name="dossier_bac")
async def bac_page(request: Request) -> Template:
    bac, locked, shown = await _bac_context(account_id_of(request))
    values = await bac_form.initial_values(bac)
    fields = await bac_form.build_fields(values, today=today(), locked=locked, shown=shown)
    return dossier_page(
        "bac", form=Form(values=values), fields=fields, action=BAC_URL, locked=locked
    )


@post("/baccalaureat")
async def bac_post(request: Request) -> Template | Redirect:
    account_id = account_id_of(request)
    bac, locked, shown = await _bac_context(account_id)
    form = await read_form(request)
    mode = mode_of(form)
    if locked:
        if mode is Mode.SAVE:
            return refused(locked, BAC_URL)
        form = Form(values=await bac_form.initial_values(bac))
    fields = await bac_form.build_fields(form.values, today=today(), locked=locked, shown=shown)
    if mode is not Mode.REFRESH and not locked:
        changes = await bac_form.validate(form, fields, today=today())
        if mode is Mode.SAVE and form.ok:
            try:
                await service.save_bac(account_id=account_id, changes=changes)
            except service.DossierLocked as refusal:
                return refused(refusal.reason, BAC_URL)
            return _saved("baccalaureat")
    return dossier_page("bac", form=form, fields=fields, action=BAC_URL, locked=locked)


# --- cursus interne ------------------------------------------------------------------


@get("/cursus-interne", name="dossier_internal_studies")
async def internal_studies_page(request: Request) -> Template:
    candidate = await service.ensure_candidate(account_id=account_id_of(request))
    return dossier_page("internal_studies", rows=await internal_studies_of(candidate["id"]))


dossier_router = Router(
    path="/dossier",
    route_handlers=[
        overview,
        identity_page,
        identity_post,
        address_page,
        address_post,
        bac_page,
        bac_post,
        internal_studies_page,
        *row_routes,
    ],
    guards=[signed_in_candidate],
    exception_handlers={FirstSignInRequired: to_first_sign_in},
)

dossier_routes = [dossier_router]

"""The candidate's applications (issue 5; guide §05 to §07): the offer, applying, "Mes
candidatures", and (in ``routes_application`` and ``routes_pieces``) one application's
summary, pieces and final actions.

Every page works without JavaScript: plain forms, post/redirect/get, confirmation steps
as pages. With htmx the same answers are swapped in (hx-boost on <body>), and the offer
loads a centre's programmes when it is first opened.
"""

from __future__ import annotations

from litestar import Request, Router, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.status_codes import HTTP_404_NOT_FOUND, HTTP_409_CONFLICT

from app.accounts.guards import (
    FirstSignInRequired,
    account_id_of,
    signed_in_candidate,
    to_first_sign_in,
)
from app.application_pages.forms import refusal_message
from app.application_pages.page_data import list_page, offer_branch, offer_page, offered_programme
from app.application_pages.routes_application import application_handlers
from app.application_pages.routes_common import (
    APPLICATIONS_URL,
    applications_page,
    done,
    run_change,
)
from app.application_pages.routes_documents import document_handlers
from app.application_pages.routes_letter import letter_handlers
from app.application_pages.routes_pieces import piece_handlers
from app.applications import lifecycle
from app.applications.lifecycle import Refusal
from app.catalog.contacts import programme_contact
from app.web.forms import read_form
from app.web.templating import Template

OFFER_URL = f"{APPLICATIONS_URL}/nouvelle"


@get("/", name="applications")
async def applications_list(request: Request) -> Template:
    listing = await list_page(account_id_of(request))
    return applications_page("list", who=listing.who, rows=listing.rows)


@get("/nouvelle", name="application_offer")
async def offer(request: Request, q: FromQuery[str] = "") -> Template:
    # A page reached through htmx has JavaScript: its centres load when first opened.
    lazy = bool(request.htmx) and not q.strip()
    return applications_page("offer", page=await offer_page(account_id_of(request), q), lazy=lazy)


@get("/nouvelle/centres/{centre_id:int}", name="application_offer_centre")
async def offer_centre(request: Request, centre_id: FromPath[int]) -> Template | Redirect:
    """htmx partial: one centre's programmes. A browser asking for it directly gets the
    whole offer, opened at that centre."""
    if not request.htmx:
        return Redirect(f"{OFFER_URL}#centre-{centre_id}", status_code=303)
    branch = await offer_branch(account_id_of(request), centre_id)
    if branch is None:
        raise NotFoundException
    return applications_page("_branch", page=branch, centre=branch.centres[0])


async def _apply_page(
    request: Request, programme_id: int, *, refusal: str = "", status_code: int = 200
) -> Template:
    offered = await offered_programme(programme_id)
    contact = await programme_contact(programme_id)
    if offered is None:
        if contact is None:
            raise NotFoundException
        # a programme that exists but is not offered: the 404 says whom to ask
        return Template(
            template_name="errors/404.html",
            context={"status_code": HTTP_404_NOT_FOUND, "contact": contact},
            status_code=HTTP_404_NOT_FOUND,
        )
    listing = await offer_page(account_id_of(request), "")
    return applications_page(
        "apply",
        status_code=status_code,
        offered=offered,
        page=listing,
        done="",
        refusal=refusal,
        contact=contact,
    )


@get("/nouvelle/{programme_id:int}", name="application_apply")
async def apply_page(request: Request, programme_id: FromPath[int]) -> Template:
    return await _apply_page(request, programme_id)


@post("/nouvelle/{programme_id:int}")
async def apply(request: Request, programme_id: FromPath[int]) -> Template | Redirect:
    """Oui → lifecycle.apply, then the new application's page; Non → back to the offer."""
    if (await read_form(request)).values.get("reponse") != "oui":
        return Redirect(OFFER_URL, status_code=303)
    call = lifecycle.apply(account_id=account_id_of(request), programme_id=programme_id)
    result = await run_change(request, call)
    if isinstance(result, Refusal):
        message = refusal_message(result)
        return await _apply_page(
            request, programme_id, refusal=message, status_code=HTTP_409_CONFLICT
        )
    return done(result.application_id, "creee")


application_router = Router(
    path=APPLICATIONS_URL,
    route_handlers=[
        applications_list,
        offer,
        offer_centre,
        apply_page,
        apply,
        *application_handlers,
        *piece_handlers,
        *document_handlers,
        *letter_handlers,
    ],
    guards=[signed_in_candidate],
    exception_handlers={FirstSignInRequired: to_first_sign_in},
)

application_routes = [application_router]

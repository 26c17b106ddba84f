"""Pages of the many-rows sections: list, add, edit, delete (guide §04.4 and §04.5).

A row id in a URL is always looked up within the signed-in candidate's dossier: the
id of someone else's row answers 404, exactly like an id that does not exist.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from app.accounts.guards import account_id_of
from app.clock import today
from app.core.i18n import N_
from app.core.i18n import gettext as _
from app.dossier import queries, service
from app.dossier.forms import prior_study
from app.dossier.forms import row_sections as forms
from app.dossier.pages import Mode, dossier_page, mode_of, refused, saved_message
from app.dossier.school_lookups import diploma_label
from app.web.forms import Form, read_form
from app.web.templating import Template


@dataclass(frozen=True)
class RowSection:
    slug: str
    new_slug: str
    list_template: str
    title_new: str
    title_edit: str
    form: forms.RowForm
    store: service.RowStore
    rows: Callable[[int], Awaitable[list[dict]]]
    block_id: str = ""
    block_fields: tuple[str, ...] = ()
    intro: str = ""

    @property
    def base(self) -> str:
        return f"/dossier/{self.slug}"


async def _prior_study_rows(candidate_id: int) -> list[dict]:
    outcomes = {c.value: c.label for c in forms.outcome_choices()}
    return [
        {
            **row,
            "diploma_text": diploma_label(
                {"code": row["diploma_code"], "label": row["diploma_label"]}
            )
            if row["diploma_code"]
            else "",
            "outcome_text": outcomes.get(row["outcome"], ""),
        }
        for row in await queries.prior_studies_of(candidate_id)
    ]


PRIOR_STUDIES = RowSection(
    slug="cursus-externe",
    new_slug="nouveau",
    list_template="prior_studies",
    title_new=N_("Saisie d'un nouveau cursus post-baccalauréat"),
    title_edit=N_("Modification d'un cursus post-baccalauréat"),
    form=prior_study.PRIOR_STUDY_FORM,
    store=service.PRIOR_STUDY_STORE,
    rows=_prior_study_rows,
    block_id=prior_study.PRIOR_STUDY_BLOCK,
    block_fields=("country", "departement", "commune", "establishment", "establishment_label"),
    intro=N_("Saisissez toutes vos années d'études : une ligne par année."),
)
INTERNSHIPS = RowSection(
    slug="stages",
    new_slug="nouveau",
    list_template="internships",
    title_new=N_("Saisie d'un nouveau stage"),
    title_edit=N_("Modification d'un stage"),
    form=forms.INTERNSHIP_FORM,
    store=service.INTERNSHIP_STORE,
    rows=queries.internships_of,
)
EXPERIENCES = RowSection(
    slug="experiences",
    new_slug="nouvelle",
    list_template="experiences",
    title_new=N_("Saisie d'une nouvelle expérience professionnelle"),
    title_edit=N_("Modification d'une expérience professionnelle"),
    form=forms.EXPERIENCE_FORM,
    store=service.EXPERIENCE_STORE,
    rows=queries.experiences_of,
)


def _form_page(section: RowSection, form: Form, fields: dict, *, action: str, title: str):
    return dossier_page(
        "row_form",
        form=form,
        fields=fields,
        action=action,
        title=_(title),
        intro=_(section.intro) if section.intro else "",
        back_url=section.base,
        block_id=section.block_id,
        block_fields=section.block_fields,
    )


async def _own_row(section: RowSection, account_id: int, row_id: FromPath[int]) -> dict:
    candidate = await service.ensure_candidate(account_id=account_id)
    row = await queries.row_of(section.store.table, candidate["id"], row_id)
    if row is None:
        raise NotFoundException
    return row


async def _submit(section: RowSection, request: Request, action: str, title: str, save):
    """The refresh / validate / save modes of a row form; ``save(values)`` writes."""
    form = await read_form(request, multiline=forms.MULTILINE_FIELDS)
    mode = mode_of(form)
    fields = await section.form.fields(form.values)
    if mode is not Mode.REFRESH:
        values = section.form.validate(form, fields, today=today())
        if inspect.isawaitable(values):  # cursus externe reads the chosen establishment
            values = await values
        if mode is Mode.SAVE and form.ok:
            try:
                await save(values)
            except service.RowNotFound as missing:
                raise NotFoundException from missing
            except service.DossierLocked as locked:
                return refused(locked.reason, section.base)
            except service.TooManyRows:
                form.add_error(ERRORS_ANCHOR, too_many_rows_message())
            except service.TextTooLong as long:
                form.add_error(long.field, too_long_message(fields, long))
            else:
                return Redirect(f"{section.base}?enregistre=ligne", status_code=303)
    return _form_page(section, form, fields, action=action, title=title)


ERRORS_ANCHOR = "erreurs"  # the error summary itself: the message is about no one field


def too_many_rows_message() -> str:
    return _(
        "Cette rubrique contient déjà %(max)d lignes, le nombre maximum : supprimez une ligne pour en ajouter une autre.",
        max=service.MAX_ROWS_PER_SECTION,
    )


def too_long_message(fields: dict, long: service.TextTooLong) -> str:
    label = fields[long.field].label if long.field in fields else long.field
    return _(
        "Le champ « %(label)s » ne doit pas dépasser %(max)d caractères.",
        label=label,
        max=long.limit,
    )


def section_routes(section: RowSection) -> list:
    base = f"/{section.slug}"

    @get(base, name=f"dossier_{section.slug}")
    async def listing(
        request: Request,
        enregistre: FromQuery[str | None] = None,
        supprime: FromQuery[str | None] = None,
    ) -> Template:
        candidate = await service.ensure_candidate(account_id=account_id_of(request))
        return dossier_page(
            section.list_template,
            rows=await section.rows(candidate["id"]),
            saved=saved_message("suppression" if supprime else enregistre),
        )

    @get(f"{base}/{section.new_slug}")
    async def new_form(request: Request) -> Template:
        values = await section.form.values(None)
        fields = await section.form.fields(values)
        action = f"{section.base}/{section.new_slug}"
        return _form_page(
            section, Form(values=values), fields, action=action, title=section.title_new
        )

    @post(f"{base}/{section.new_slug}")
    async def create(request: Request) -> Template | Redirect:
        account_id = account_id_of(request)

        async def save(values: dict) -> None:
            await section.store.add(account_id=account_id, values=values)

        action = f"{section.base}/{section.new_slug}"
        return await _submit(section, request, action, section.title_new, save)

    @get(f"{base}/{{row_id:int}}")
    async def edit_form(request: Request, row_id: FromPath[int]) -> Template:
        row = await _own_row(section, account_id_of(request), row_id)
        values = await section.form.values(row)
        fields = await section.form.fields(values)
        action = f"{section.base}/{row_id}"
        return _form_page(
            section, Form(values=values), fields, action=action, title=section.title_edit
        )

    @post(f"{base}/{{row_id:int}}")
    async def update(request: Request, row_id: FromPath[int]) -> Template | Redirect:
        account_id = account_id_of(request)
        await _own_row(section, account_id, row_id)

        async def save(values: dict) -> None:
            await section.store.update(account_id=account_id, row_id=row_id, values=values)

        return await _submit(section, request, f"{section.base}/{row_id}", section.title_edit, save)

    @post(f"{base}/{{row_id:int}}/supprimer")
    async def delete(request: Request, row_id: FromPath[int]) -> Redirect | Template:
        try:
            await section.store.delete(account_id=account_id_of(request), row_id=row_id)
        except service.RowNotFound as missing:
            raise NotFoundException from missing
        except service.DossierLocked as locked:
            return refused(locked.reason, section.base)
        return Redirect(f"{section.base}?supprime=1", status_code=303)

    return [listing, new_form, create, edit_form, update, delete]


row_routes = [
    *section_routes(PRIOR_STUDIES),
    *section_routes(INTERNSHIPS),
    *section_routes(EXPERIENCES),
]

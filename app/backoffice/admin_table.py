"""How the admin's tables are configured: the menu groups, the refusal reasons and the
``table()`` shorthand every table configuration uses (DESIGN.md §6–§7)."""

from __future__ import annotations

from piccolo.columns import Column
from piccolo.table import Table
from piccolo_admin.endpoints import TableConfig, superuser_validators
from piccolo_api.crud.endpoints import OrderBy
from piccolo_api.crud.hooks import Hook, HookType
from piccolo_api.crud.validators import Validators
from piccolo_api.media.base import MediaStorage

from app import clock
from app.backoffice.admin_audit import audit_validator
from app.backoffice.config_rules import refuse_delete_in_use
from app.backoffice.secrets import guard_secrets
from app.backoffice.validators import read_only

CATALOGUE = "Offre de formation"
CANDIDATES = "Candidats et candidatures"
MAIL = "Courriels"
STAFF = "Personnels"
REFERENCE = "Données de référence"
SYSTEM = "Système"
MENU_GROUPS = (CATALOGUE, CANDIDATES, MAIL, STAFF, REFERENCE, SYSTEM)

LIFECYCLE_REASON = (
    "candidatures, pièces et décisions suivent le circuit de traitement (bureau de "
    "gestion), qui vérifie les règles, trace chaque changement et prévient le candidat."
)
CANDIDATE_DATA_REASON = "ces données appartiennent au candidat et se modifient depuis son dossier."
FILES_REASON = "les fichiers sont déposés par les candidats ou produits par l'application."
NOTES_REASON = "le bloc-notes s'écrit depuis le bureau de gestion, qui en garde l'auteur."


def table(
    table_class: type[Table],
    *,
    columns: str = "",
    filters: str = "",
    link: str = "",
    order: str = "",
    validators: Validators | None = None,
    hooks: list[Hook] | None = None,
    media: list[MediaStorage] | None = None,
) -> TableConfig:
    """A ``TableConfig`` from space-separated column names (a typo fails at import).

    ``columns``: the list view; ``filters``: the filter sidebar; ``link``: the column
    that opens a row; ``order``: the sort, ``-`` before a name for newest first, by
    default the ``link`` column (rows are found by the name they are opened by);
    ``media``: columns the admin opens as files (``app.backoffice.admin_files``).
    """
    order = order or link

    def named(names: str) -> list[Column] | None:
        found = [table_class._meta.get_column_by_name(name) for name in names.split()]
        return found or None

    order_by = [
        OrderBy(table_class._meta.get_column_by_name(name.lstrip("-")), not name.startswith("-"))
        for name in order.split()
    ]
    return TableConfig(
        table_class,
        visible_columns=named(columns),
        visible_filters=named(filters),
        link_column=table_class._meta.get_column_by_name(link) if link else None,
        order_by=order_by or None,
        # Every table: a parameter naming a secret column is refused (defect 3), a row
        # still referenced is not deleted, and each write is audited once its rules
        # passed.
        validators=audited(guard_secrets(validators)),
        hooks=hooks,
        media_storage=media,
    )


def pairs_table(table_class: type[Table], pair: str, validators: Validators) -> TableConfig:
    """A table whose rows each pair two others (``pair``: the two foreign-key columns,
    e.g. ``"staff centre"``): listed, filtered and sorted by both."""
    return table(table_class, columns=f"id {pair}", filters=pair, order=pair, validators=validators)


def read_only_table(table_class: type[Table], reason: str, **layout) -> TableConfig:
    """A table the admin only reads; ``reason`` says where its rows come from
    (:func:`app.backoffice.validators.read_only`). ``layout``: as for :func:`table`."""
    return table(table_class, validators=read_only(reason), **layout)


def candidate_data_table(table_class: type[Table], **layout) -> TableConfig:
    """What a candidate filled in (or the student-records system gave): changed only
    from the candidate's dossier, so the admin only reads it."""
    return read_only_table(table_class, CANDIDATE_DATA_REASON, **layout)


def dossier_rows_table(
    table_class: type[Table],
    *,
    columns: str,
    filters: str,
    link: str,
    reason: str = CANDIDATE_DATA_REASON,
) -> TableConfig:
    """A many-rows dossier section (one row per year): listed and filtered by candidate
    and year, each candidate's newest year first."""
    return read_only_table(
        table_class,
        reason,
        columns=f"candidate year {columns}",
        filters=f"candidate year {filters}",
        link=link,
        order="candidate -year",
    )


def one_time_links_table(table_class: type[Table], owner: str, reason: str) -> TableConfig:
    """The one-time links (activation, new password) of ``owner`` (a column): which
    are pending, used or expired; ``reason`` says who issues them."""
    return read_only_table(
        table_class,
        reason,
        columns=f"id {owner} purpose created_at expires_at used_at",
        filters=f"{owner} purpose expires_at used_at",
        order="-created_at",
    )


AUDITED_ACTIONS = ("post_single", "put_single", "patch_single", "delete_single")


def audited(validators: Validators) -> Validators:
    """``validators`` with :func:`audit_validator` last on each write (see
    ``app.backoffice.admin_audit``: it notes the row before the write), after
    :func:`refuse_delete_in_use` on deletes."""
    # New lists: Validators' defaults are lists shared by all instances.
    validators.delete_single = [*validators.delete_single, refuse_delete_in_use]
    for action in AUDITED_ACTIONS:
        setattr(validators, action, [*getattr(validators, action), audit_validator])
    return validators


def stamp_updated_at(table_class: type[Table]) -> Hook:
    """Edits through the admin record when they happened, as the application's do."""

    def stamp(row_id, values: dict) -> dict:
        return {**values, table_class.updated_at: clock.now()}

    return Hook(hook_type=HookType.pre_patch, callable=stamp)


def superusers_write() -> Validators:
    # Staff accounts and roles decide who sees what: as for piccolo's own user table,
    # only superusers change them.
    return Validators(every=[superuser_validators])

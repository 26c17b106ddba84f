"""piccolo-admin for staff, mounted at ``/admin/`` (DESIGN.md §6–§7).

Tables are grouped in French menus. Write rules come from ``app.backoffice.validators``:
status and decision columns never change here, rows the application writes itself are
read-only, and only superusers manage staff accounts and roles.
"""

from __future__ import annotations

import asyncio
import datetime

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Column
from piccolo.table import Table
from piccolo_admin.endpoints import TableConfig, create_admin, superuser_validators
from piccolo_admin.translations.data import ENGLISH, FRENCH
from piccolo_api.crud.endpoints import OrderBy
from piccolo_api.crud.hooks import Hook, HookType
from piccolo_api.crud.validators import Validators
from piccolo_api.rate_limiting.middleware import InMemoryLimitProvider
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import clock
from app.accounts.tables import AccountToken, CandidateAccount, DossierNumberHistory
from app.applications.tables import Application, Decision, Note, SubmittedPiece
from app.backoffice.access import admin_roles_only, may_enter_admin
from app.backoffice.mail_templates import mail_template_rules
from app.backoffice.secrets import guard_secrets
from app.backoffice.staff import password_matches
from app.backoffice.tables import StaffCentre, StaffCommission, StaffProfile
from app.backoffice.validators import fixed_rows, read_only
from app.catalog.tables import (
    Campaign,
    Centre,
    Commission,
    DecisionType,
    Programme,
    ProgrammePiece,
    RefusalReason,
    RequiredPiece,
)
from app.documents.tables import StoredFile
from app.dossier.tables import Address, Candidate
from app.mail.tables import MailTemplate, OutboxMail
from app.ops.tables import AppSetting, AuditEvent
from app.refdata.tables import (
    BacMention,
    BacSerie,
    Commune,
    Country,
    Departement,
    DiplomaType,
    Lycee,
)
from app.settings import Settings
from app.web.middleware import ADMIN_CONTENT_SECURITY_POLICY

CATALOGUE = "Offre de formation"
CANDIDATES = "Candidats et candidatures"
MAIL = "Courriels"
STAFF = "Personnels"
REFERENCE = "Données de référence"
SYSTEM = "Système"
MENU_GROUPS = (CATALOGUE, CANDIDATES, MAIL, STAFF, REFERENCE, SYSTEM)

SITE_NAME = "eCésure — administration"

LIFECYCLE_REASON = (
    "candidatures, pièces et décisions suivent le circuit de traitement (bureau de "
    "gestion), qui vérifie les règles, trace chaque changement et prévient le candidat."
)
CANDIDATE_DATA_REASON = "ces données appartiennent au candidat et se modifient depuis son dossier."
FILES_REASON = "les fichiers sont déposés par les candidats ou produits par l'application."
NOTES_REASON = "le bloc-notes s'écrit depuis le bureau de gestion, qui en garde l'auteur."

# piccolo-admin's French reads as machine-translated in places; staff read it all day.
FRENCH_UI = FRENCH.model_copy(
    update={
        "language_name": "Français",
        "translations": {
            **FRENCH.translations,
            "About": "À propos",
            "Days": "Jours",
            "Delete": "Supprimer",
            "Edit": "Modifier",
            "Hide referencing tables": "Masquer les tables liées",
            "Light Mode": "Mode clair",
            "MFA Code": "Code de vérification",
            "MFA Setup": "Double authentification",
            "Save": "Enregistrer",
            "selected result(s) on": "résultat(s) sélectionné(s) sur",
            "Show referencing tables": "Afficher les tables liées",
            "Showing": "Affichage de",
            "Tables": "Tables",
            "Thanks for using Piccolo Admin.": "Merci d'utiliser Piccolo Admin.",
            "Update": "Mettre à jour",
            "Welcome to": "Bienvenue dans",
        },
    }
)


class StaffLogin(BaseUser, tablename="piccolo_user"):
    """piccolo's users as the admin signs them in: only the staff who may enter the
    admin (:func:`app.backoffice.access.may_enter_admin`) get a session.

    piccolo-api opens a session for any valid password and only refuses non-admins on
    the next API call; refusing them at the login itself gives staff a clear answer.
    piccolo's own ``login`` compares hashes with ``==``; this one is piccolo's, with a
    constant-time comparison (:func:`app.backoffice.staff.password_matches`).
    """

    @classmethod
    async def login(cls, username: str, password: str) -> int | None:
        if len(username) > cls.username.length or len(password) > cls._max_password_length:
            return None
        row = await cls.select(cls.id, cls.password).where(cls.username == username).first()
        # PBKDF2 takes a third of a second: in a thread, not on the event loop.
        if row is None:
            # As long as for a known user: response times do not tell who exists.
            await asyncio.to_thread(cls.hash_password, password)
            return None
        if not await asyncio.to_thread(password_matches, row["password"], password):
            return None
        if not await may_enter_admin(row["id"]):
            return None
        _algorithm, iterations, _salt, _hashed = cls.split_stored_password(row["password"])
        if int(iterations) != cls._pbkdf2_iteration_count:
            await cls.update_password(row["id"], password)  # piccolo's current strength
        await cls.update({cls.last_login: datetime.datetime.now()}).where(cls.id == row["id"])
        return row["id"]


def table(
    table_class: type[Table],
    *,
    columns: str = "",
    filters: str = "",
    link: str = "",
    order: str = "",
    validators: Validators | None = None,
    hooks: list[Hook] | None = None,
) -> TableConfig:
    """A ``TableConfig`` from space-separated column names (a typo fails at import).

    ``columns``: the list view; ``filters``: the filter sidebar; ``link``: the column
    that opens a row; ``order``: the sort, ``-`` before a name for newest first.
    """

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
        # Every table: a parameter naming a secret column is refused (defect 3).
        validators=guard_secrets(validators),
        hooks=hooks,
    )


def stamp_updated_at(table_class: type[Table]) -> Hook:
    """Edits through the admin record when they happened, as the application's do."""

    def stamp(row_id, values: dict) -> dict:
        return {**values, table_class.updated_at: clock.now()}

    return Hook(hook_type=HookType.pre_patch, callable=stamp)


def superusers_write() -> Validators:
    # Staff accounts and roles decide who sees what: as for piccolo's own user table,
    # only superusers change them.
    return Validators(every=[superuser_validators])


def catalogue_configs() -> list[TableConfig]:
    return [
        table(
            Campaign,
            columns="code label_fr academic_year start_date end_date active archived_at",
            filters="code academic_year active",
            link="code",
            order="-start_date",
        ),
        table(
            Centre,
            columns="code label campaign position active contact_email",
            filters="campaign code label active",
            link="label",
            order="position label",
        ),
        table(
            Commission,
            columns="code label centre email signatory",
            filters="centre code label",
            link="label",
            order="label",
        ),
        table(
            Programme,
            columns="code label commission processing_type deposit_start deposit_end "
            "return_date active",
            filters="commission code label processing_type active deposit_start deposit_end",
            link="label",
            order="label",
        ),
        table(
            RequiredPiece,
            columns="code label_fr campaign position common conditional processing_type",
            filters="campaign code label_fr common conditional",
            link="label_fr",
            order="position code",
        ),
        table(ProgrammePiece, filters="programme piece"),
        table(
            DecisionType,
            columns="code label_fr verdict final active",
            filters="verdict active",
            link="label_fr",
            order="code",
        ),
        table(
            RefusalReason,
            columns="code label_fr active",
            filters="code active",
            link="label_fr",
            order="code",
        ),
    ]


def candidate_configs() -> list[TableConfig]:
    return [
        table(
            CandidateAccount,
            columns="login last_name first_name email campaign activated_at last_login_at",
            filters="login email last_name first_name campaign activated_at",
            link="login",
            order="-created_at",
            validators=read_only(CANDIDATE_DATA_REASON),
        ),
        table(
            Candidate,
            columns="account civility birth_name usual_name first_name birth_date ine "
            "from_student_records",
            filters="account birth_name usual_name first_name birth_date ine",
            link="birth_name",
            order="birth_name first_name",
            validators=read_only(CANDIDATE_DATA_REASON),
        ),
        table(
            Address,
            columns="line1 postal_code commune foreign_city country",
            filters="postal_code commune country",
            link="line1",
            validators=read_only(CANDIDATE_DATA_REASON),
        ),
        table(
            StoredFile,
            columns="original_name owner content_type size_bytes kind created_at",
            filters="owner kind content_type",
            link="original_name",
            order="-created_at",
            validators=read_only(FILES_REASON),
        ),
        table(
            Application,
            columns="id candidate programme status processing_type processing_type_validated "
            "answer created_at transmitted_at opi_code",
            filters="programme candidate status processing_type processing_type_validated "
            "answer created_at transmitted_at cancelled_at",
            order="-created_at",
            validators=fixed_rows(
                editable=[
                    Application.return_date_override,
                    Application.confirmation_date_override,
                    Application.opi_code,
                ],
                reason=LIFECYCLE_REASON,
            ),
        ),
        table(
            SubmittedPiece,
            columns="id application piece status changed_at changed_by superseded_at",
            filters="application piece status superseded_at",
            order="-changed_at",
            # The comment shown to the candidate may be corrected; the status may not.
            validators=fixed_rows(editable=[SubmittedPiece.comment], reason=LIFECYCLE_REASON),
        ),
        table(
            Decision,
            columns="id application decision_type validated rank entered_at validated_at",
            filters="application decision_type validated entered_at validated_at",
            order="-entered_at",
            validators=fixed_rows(editable=[], reason=LIFECYCLE_REASON),
        ),
        table(
            Note,
            columns="message application author_kind created_at",
            filters="application author_kind",
            link="message",
            order="-created_at",
            validators=read_only(NOTES_REASON),
        ),
    ]


def mail_configs() -> list[TableConfig]:
    return [
        table(
            MailTemplate,
            columns="code language subject updated_at",
            filters="code language",
            link="subject",
            order="code language",
            hooks=[stamp_updated_at(MailTemplate)],
            validators=mail_template_rules(),
        ),
        table(
            OutboxMail,
            columns="subject to_address template_code status attempts created_at sent_at",
            filters="status template_code to_address account application created_at sent_at",
            link="subject",
            order="-created_at",
            validators=read_only("chaque courriel est écrit et envoyé par l'application."),
        ),
    ]


def staff_configs() -> list[TableConfig]:
    return [
        table(
            BaseUser,
            columns="username email first_name last_name active admin superuser last_login",
            filters="username email active admin superuser",
            link="username",
            order="username",
            validators=superusers_write(),
        ),
        table(
            StaffProfile,
            columns="id user display_name role",
            filters="user role",
            order="display_name",
            validators=superusers_write(),
        ),
        table(StaffCentre, filters="staff centre", validators=superusers_write()),
        table(StaffCommission, filters="staff commission", validators=superusers_write()),
    ]


def reference_configs() -> list[TableConfig]:
    return [
        table(
            Country,
            columns="name_fr cog_code iso2 iso3 nationality_fr kind",
            filters="name_fr cog_code iso2 kind",
            link="name_fr",
            order="name_fr",
        ),
        table(
            Departement,
            columns="code name zone",
            filters="code name zone",
            link="name",
            order="code",
        ),
        table(
            Commune,
            columns="name insee_code kind departement postal_codes",
            filters="name insee_code departement kind postal_codes",
            link="name",
            order="name",
        ),
        table(
            Lycee,
            columns="name uai city postal_code",
            filters="name uai city postal_code",
            link="name",
            order="name",
        ),
        table(
            BacSerie,
            columns="code label kind first_year last_year verified",
            filters="code label kind verified",
            link="label",
            order="code",
        ),
        table(BacMention, columns="code label min_average", link="label", order="code"),
        table(DiplomaType, columns="code label", link="label", order="code"),
    ]


def system_configs() -> list[TableConfig]:
    return [
        table(
            AppSetting,
            columns="key value value_type updated_at",
            filters="key value_type",
            link="key",
            order="key",
            hooks=[stamp_updated_at(AppSetting)],
            validators=fixed_rows(
                editable=[AppSetting.value],
                reason="la liste des réglages et leur type sont définis par l'application.",
            ),
        ),
        table(
            AuditEvent,
            columns="created_at action entity entity_id application_id actor_kind actor_id",
            filters="action entity entity_id application_id actor_kind actor_id created_at",
            link="action",
            order="-created_at",
            validators=read_only("le journal est écrit par chaque action, jamais à la main."),
        ),
        table(
            DossierNumberHistory,
            filters="login issued_at",
            link="login",
            order="-issued_at",
            validators=read_only("un numéro de dossier émis n'est jamais réattribué."),
        ),
        table(
            AccountToken,
            columns="id account purpose created_at expires_at used_at",
            filters="account purpose expires_at used_at",
            order="-created_at",
            validators=read_only("les liens à usage unique sont émis par l'application."),
        ),
    ]


def table_configs() -> list[TableConfig]:
    groups = {
        CATALOGUE: catalogue_configs(),
        CANDIDATES: candidate_configs(),
        MAIL: mail_configs(),
        STAFF: staff_configs(),
        REFERENCE: reference_configs(),
        SYSTEM: system_configs(),
    }
    for group, configs in groups.items():
        for config in configs:
            config.menu_group = group
    return [config for configs in groups.values() for config in configs]


def with_admin_policy(admin_app: ASGIApp) -> ASGIApp:
    """Send the admin's own Content-Security-Policy with every admin response.

    The portal's header middleware runs inside the ``/admin`` mount, where Litestar has
    already cut the mount prefix off ``scope["path"]``: it cannot tell admin requests
    apart; it keeps a policy that is already set, so the admin sets its own here.
    """
    policy = ADMIN_CONTENT_SECURITY_POLICY.encode()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                # A stricter policy of piccolo's own (media files) is left as it is.
                if all(name.lower() != b"content-security-policy" for name, _ in headers):
                    headers.append((b"content-security-policy", policy))
                message = {**message, "headers": headers}
            await send(message)

        await admin_app(scope, receive, send_with_policy)

    return app


def login_rate_limit() -> InMemoryLimitProvider:
    """20 sign-in attempts per client address and 5 minutes, then 5 minutes' wait.

    piccolo's default blocks an address until the process restarts: staff sharing one
    university NAT address would all be locked out. Behind a reverse proxy the server
    must trust its ``X-Forwarded-For`` (uvicorn ``--forwarded-allow-ips``), or every
    attempt counts for the proxy's address.
    """
    return InMemoryLimitProvider(limit=20, timespan=300, block_duration=300)


def create_admin_app(settings: Settings) -> ASGIApp:
    admin = create_admin(
        tables=table_configs(),
        auth_table=StaffLogin,
        site_name=SITE_NAME,
        default_language_code="fr",
        translations=[FRENCH_UI, ENGLISH],
        production=settings.is_prod,
        allowed_hosts=list(settings.admin_allowed_hosts),
        # Every table the admin reaches is configured above: nothing may appear with
        # piccolo's defaults (editable, ungrouped).
        auto_include_related=False,
        rate_limit_provider=login_rate_limit(),
        sidebar_links={"Portail candidat": "/", "Bureau de gestion": "/staff/"},
    )
    return with_admin_policy(admin_roles_only(admin))

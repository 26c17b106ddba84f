"""The admin's "Personnels", "Données de référence" and "Système" groups."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo_admin.endpoints import TableConfig

from app.backoffice.admin_table import (
    one_time_links_table,
    pairs_table,
    read_only_table,
    stamp_updated_at,
    superusers_write,
    table,
)
from app.backoffice.validators import fixed_rows
from app.tables.accounts import AccountToken, DossierNumberHistory
from app.tables.backoffice import StaffCentre, StaffCommission, StaffProfile, StaffToken
from app.tables.ops import AppSetting, AuditEvent, CampaignStatistics
from app.tables.refdata import (
    BacMention,
    BacSerie,
    Commune,
    Country,
    Departement,
    DiplomaType,
    Lycee,
)


def staff_configs() -> list[TableConfig]:
    return [
        table(
            BaseUser,
            columns="username email first_name last_name active admin superuser last_login",
            filters="username email active admin superuser",
            link="username",
            validators=superusers_write(),
        ),
        table(
            StaffProfile,
            columns="id user display_name role",
            filters="user role",
            order="display_name",
            validators=superusers_write(),
        ),
        pairs_table(StaffCentre, "staff centre", superusers_write()),
        pairs_table(StaffCommission, "staff commission", superusers_write()),
        # Which activation / new-password links are pending (forms_staff sends them).
        one_time_links_table(
            StaffToken, "user", "les liens à usage unique sont envoyés par les formulaires."
        ),
    ]


def reference_configs() -> list[TableConfig]:
    return [
        table(
            Country,
            columns="name_fr cog_code iso2 iso3 nationality_fr kind",
            filters="name_fr cog_code iso2 kind",
            link="name_fr",
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
        ),
        table(
            Lycee,
            columns="name uai city postal_code",
            filters="name uai city postal_code",
            link="name",
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
            hooks=[stamp_updated_at(AppSetting)],
            validators=fixed_rows(
                editable=[AppSetting.value],
                reason="la liste des réglages et leur type sont définis par l'application.",
            ),
        ),
        read_only_table(
            AuditEvent,
            "le journal est écrit par chaque action, jamais à la main.",
            columns="created_at action entity entity_id application_id actor_kind actor_id",
            filters="action entity entity_id application_id actor_kind actor_id created_at",
            link="action",
            order="-created_at",
        ),
        # What stays of a campaign after the retention purge (app.ops.retention).
        read_only_table(
            CampaignStatistics,
            "ces comptes sont calculés par la purge de fin de conservation.",
            columns="campaign programme status verdict answer cancelled applications",
            filters="campaign programme status verdict answer cancelled",
            order="campaign programme",
        ),
        read_only_table(
            DossierNumberHistory,
            "un numéro de dossier émis n'est jamais réattribué.",
            columns="login issued_at",
            filters="login issued_at",
            link="login",
            order="-issued_at",
        ),
        one_time_links_table(
            AccountToken, "account", "les liens à usage unique sont émis par l'application."
        ),
    ]

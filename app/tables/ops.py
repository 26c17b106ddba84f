"""Cross-cutting records: the audit trail and run-time settings."""

from __future__ import annotations

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.constraints import Unique
from piccolo.table import Table

from app.core.code_labels import ActorKindChoices
from app.core.codes.applications import ActorKind
from app.core.codes.ops import ExportStatus
from app.db import one_of
from app.tables.accounts import CandidateAccount
from app.tables.catalog import Campaign, Programme


class AuditEvent(
    Table, help_text="Journal : une ligne par changement, écrite par l'action elle-même."
):
    """One row per state change, written in the transaction of the change.

    Plain ids, not foreign keys: the trail outlives the rows it talks about.
    """

    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_kind = Varchar(length=10, choices=ActorKindChoices)
    actor_id = Integer(
        null=True, default=None, help_text="Compte candidat ou personnel selon le type d'auteur."
    )
    action = Varchar(length=60, index=True)
    entity = Varchar(length=40)
    entity_id = Integer(
        index=True, help_text="Identifiant de la ligne concernée dans la table « entity »."
    )
    application_id = Integer(null=True, default=None, index=True)
    visible_to_candidate = Boolean(
        default=False, help_text="L'événement apparaît dans le suivi du candidat."
    )
    data = JSON(default="{}")

    actor_kind_check = one_of("actor_kind", ActorKind)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s n° %s", columns=[cls.action, cls.entity_id])


class AppSetting(Table, help_text="Réglages modifiables en cours de campagne."):
    """Settings staff may change at run time (typed, with a documented default)."""

    key = Varchar(length=100, unique=True)
    value = Text(default="")
    value_type = Varchar(length=10, default="string")
    description = Text(default="")
    updated_at = Timestamptz(default=TimestamptzNow())

    value_type_check = one_of("value_type", ["string", "integer", "boolean", "date"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.key])


class CampaignStatistics(
    Table,
    help_text="Comptes anonymes d'une campagne purgée : candidatures par formation, statut, "
    "décision et réponse.",
):
    """What stays of a campaign's applications after the retention purge: counts only,
    no id of a candidate or an application. Written in the purge's transaction, before
    the rows it counts go."""

    campaign = ForeignKey(Campaign, on_delete=OnDelete.cascade, index=True, null=False)
    programme = ForeignKey(Programme, on_delete=OnDelete.cascade, index=True, null=False)
    status = Varchar(length=2, default="", help_text="Statut du dossier (code).")
    verdict = Varchar(
        length=2, default="", help_text="Avis de la dernière décision (vide : aucun)."
    )
    answer = Varchar(length=2, default="", help_text="Réponse du candidat (vide : aucune).")
    cancelled = Boolean(default=False, help_text="Candidatures annulées.")
    applications = Integer(default=0, help_text="Nombre de candidatures.")
    computed_at = Timestamptz(default=TimestamptzNow())

    statistics_unique = Unique(
        ["campaign", "programme", "status", "verdict", "answer", "cancelled"]
    )

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s — %s", columns=[cls.campaign.label_fr, cls.programme.label])


class DataExport(
    Table,
    help_text="Demandes « Mes données » : l'archive ZIP de tout ce que le portail garde "
    "sur un candidat, téléchargeable une fois.",
):
    """One "Mes données" request (issue 15): queued, built by a job, downloaded once.

    The link's token is random and only its SHA-256 is kept; the archive lives under
    ``STORAGE_DIR/exports`` and leaves the disk when downloaded or expired.
    """

    account = ForeignKey(CandidateAccount, on_delete=OnDelete.cascade, index=True, null=False)
    status = Varchar(length=10, default=ExportStatus.QUEUED.value, index=True)
    token_hash = Varchar(length=64, null=True, default=None, unique=True, secret=True)
    storage_key = Varchar(length=32, null=True, default=None)
    size_bytes = Integer(default=0)
    requested_at = Timestamptz(default=TimestamptzNow())
    ready_at = Timestamptz(null=True, default=None)
    expires_at = Timestamptz(null=True, default=None)
    downloaded_at = Timestamptz(null=True, default=None)

    status_check = one_of("status", ExportStatus)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s (%s)", columns=[cls.account.login, cls.status])

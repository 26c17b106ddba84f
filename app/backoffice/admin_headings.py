"""French column headings for piccolo-admin.

piccolo-admin titles a column (list heading, filter, form label) with the ``title`` of
its JSON schema, which pydantic derives from the column name ("birth_name" → "Birth
Name"); piccolo has no setting for it. :func:`with_french_headings` rewrites the titles
of the schema piccolo-admin answers (``GET /api/tables/<table>/schema/``), from
:data:`HEADINGS` (by column name) and :data:`TABLE_HEADINGS` (where one table means
something else by the same name). Table names in the menus stay piccolo's.
"""

from __future__ import annotations

import json
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADINGS = {
    "academic_year": "Année universitaire",
    "account": "Compte candidat",
    "action": "Action",
    "activated_at": "Activé le",
    "active": "Actif",
    "actor_id": "Auteur (identifiant)",
    "actor_kind": "Type d'auteur",
    "address": "Adresse",
    "address_lines": "Adresse",
    "admin": "Accès à l'administration",
    "alert_on_cancellation": "Alerte en cas d'annulation",
    "alert_on_transmission": "Alerte à la transmission",
    "alert_on_withdrawal": "Alerte en cas de désistement",
    "answer": "Réponse du candidat",
    "answer_reminder_sent_at": "Rappel de confirmation envoyé le",
    "answered_at": "Réponse le",
    "answered_by": "Réponse donnée par",
    "appeal": "Sur recours",
    "application": "Candidature",
    "application_id": "Candidature (n°)",
    "applications": "Nombre de candidatures",
    "archived_at": "Archivée le",
    "attempts": "Tentatives",
    "author_id": "Auteur (identifiant)",
    "author_kind": "Type d'auteur",
    "birth_city_label": "Ville de naissance",
    "birth_commune": "Commune de naissance",
    "birth_country": "Pays de naissance",
    "birth_date": "Date de naissance",
    "birth_departement": "Département de naissance",
    "birth_name": "Nom de naissance",
    "body_html": "Corps (HTML)",
    "body_text": "Corps (texte)",
    "campaign": "Campagne",
    "cancelled": "Annulées",
    "cancelled_at": "Annulée le",
    "candidate": "Candidat",
    "candidate_end_date": "Fin d'accès des candidats",
    "capacity": "Capacité",
    "cas_login": "Identifiant CAS",
    "centre": "Centre",
    "changed_at": "Modifiée le",
    "changed_by": "Modifiée par",
    "city": "Ville",
    "civility": "Civilité",
    "code": "Code",
    "cog_code": "Code Insee",
    "comment": "Commentaire",
    "commission": "Commission",
    "common": "Commune à toutes les candidatures",
    "commune": "Commune",
    "completed_at": "Déclaré complet le",
    "computed_at": "Calculé le",
    "computed_rank": "Rang calculé",
    "conditional": "« Non concerné » possible",
    "confirmation_date": "Date limite de confirmation",
    "confirmation_date_override": "Date de confirmation propre",
    "confirmation_delay_days": "Délai de confirmation (jours)",
    "contact_email": "Courriel de contact",
    "contact_phone": "Téléphone de contact",
    "content_type": "Type de fichier",
    "country": "Pays",
    "country_iso2": "Pays (ISO)",
    "created_at": "Créé le",
    "created_by_staff": "Saisie par un gestionnaire",
    "data": "Données",
    "days_before": "Jours avant la date de retour",
    "decision_type": "Type de décision",
    "departement": "Département",
    "deposit_end": "Fin des dépôts",
    "deposit_start": "Début des dépôts",
    "description": "Description",
    "diploma_type": "Type de formation",
    "display_name": "Nom affiché",
    "duration": "Durée",
    "email": "Courriel",
    "email_validated_at": "Courriel vérifié le",
    "employer": "Employeur",
    "end_date": "Fin",
    "entered_at": "Saisie le",
    "entered_by": "Saisie par",
    "entity": "Table concernée",
    "entity_id": "Ligne concernée",
    "establishment": "Établissement (liste de référence)",
    "establishment_label": "Établissement",
    "expires_at": "Expire le",
    "file": "Fichier",
    "final": "Définitive",
    "first_name": "Prénom",
    "first_year": "Première année",
    "foreign_city": "Ville (étranger)",
    "former_codes": "Anciens codes",
    "from_student_records": "Repris de la scolarité",
    "group_label": "Regroupement",
    "hours_per_week": "Heures par semaine",
    "html": "Corps (HTML)",
    "id": "N°",
    "identity_key": "Clé d'identité (doublons)",
    "incomplete_at": "Déclaré incomplet le",
    "ine": "INE",
    "ine_held_by_student_at": "INE repris par un étudiant le",
    "insee_code": "Code Insee",
    "iso2": "Code ISO (2 lettres)",
    "iso3": "Code ISO (3 lettres)",
    "issued_at": "Émis le",
    "jury_date": "Date du jury",
    "key": "Réglage",
    "keywords": "Mots-clés",
    "kind": "Type",
    "label": "Libellé",
    "label_en": "Libellé (anglais)",
    "label_fr": "Libellé",
    "language": "Langue",
    "last_error": "Dernière erreur",
    "last_login": "Dernière connexion",
    "last_login_at": "Dernière connexion",
    "last_name": "Nom",
    "last_year": "Dernière année",
    "line1": "Adresse",
    "line2": "Complément d'adresse",
    "line3": "Complément d'adresse (suite)",
    "login": "Numéro de dossier",
    "lycee": "Lycée",
    "mark": "Note",
    "max_wishes": "Candidatures au plus",
    "members_decide": "Les membres décident",
    "members_process": "Les membres traitent les dossiers",
    "mention": "Mention",
    "message": "Note",
    "min_average": "Moyenne minimale",
    "mobile": "Téléphone portable",
    "name": "Nom",
    "name_en": "Nom (anglais)",
    "name_fr": "Nom",
    "nationality": "Nationalité",
    "nationality_en": "Nationalité (anglais)",
    "nationality_fr": "Nationalité",
    "online_documents": "Dossier dématérialisé",
    "opi_code": "Code OPI",
    "original_name": "Nom du fichier",
    "other_first_name": "Autre prénom",
    "outcome": "Résultat",
    "owner": "Compte candidat",
    "parent_code": "Commune de rattachement",
    "password": "Mot de passe",
    "password_hash": "Mot de passe",
    "pending_email": "Nouveau courriel à vérifier",
    "phone": "Téléphone",
    "piece": "Pièce",
    "position": "Ordre",
    "postal_code": "Code postal",
    "postal_codes": "Codes postaux",
    "previous": "Campagne précédente",
    "processing_type": "Type de traitement",
    "processing_type_validated": "Type de traitement validé",
    "programme": "Formation",
    "programme_code": "Code de la formation",
    "programme_label": "Formation",
    "publication_date": "Date de publication",
    "purge_after": "À effacer après le",
    "purged_at": "Données supprimées le",
    "purpose": "Usage",
    "rank": "Rang",
    "received_at": "Réceptionné le",
    "refusal_reason": "Motif de refus",
    "region_code": "Région",
    "result": "Résultat",
    "retention_warned_at": "Prévenu de la suppression le",
    "return_date": "Date de retour",
    "return_date_override": "Date de retour propre",
    "return_instructions_en": "Instructions de retour (anglais)",
    "return_instructions_fr": "Instructions de retour",
    "return_reminder_first_days": "Premier rappel (jours avant la date de retour)",
    "return_reminder_second_days": "Second rappel (jours avant la date de retour)",
    "return_reminder_sent_at": "Rappel de retour envoyé le",
    "role": "Rôle",
    "sending_since": "Envoi commencé le",
    "sent_at": "Envoyé le",
    "serie": "Série",
    "sha256": "Empreinte SHA-256",
    "show_comment": "Commentaire montré au candidat",
    "signatory": "Signataire",
    "signature_image": "Signature (image)",
    "size_bytes": "Taille (octets)",
    "staff": "Personnel",
    "start_date": "Début",
    "status": "Statut",
    "status_changed_at": "Statut changé le",
    "storage_key": "Fichier stocké",
    "student_number": "Numéro d'étudiant",
    "subject": "Objet",
    "superseded_at": "Remplacée le",
    "superuser": "Super-utilisateur",
    "template_code": "Modèle",
    "template_file": "Modèle à télécharger",
    "text": "Corps (texte)",
    "title": "Intitulé",
    "to_address": "Destinataire",
    "token_hash": "Empreinte du lien",
    "transmitted_at": "Transmise le",
    "uai": "UAI",
    "unique_per_application": "Un fichier par candidature",
    "updated_at": "Modifié le",
    "url": "Site web",
    "used_at": "Utilisé le",
    "user": "Compte de connexion",
    "username": "Identifiant",
    "usual_name": "Nom d'usage",
    "validated": "Validée",
    "validated_at": "Validée le",
    "validated_by": "Validée par",
    "value": "Valeur",
    "value_type": "Type de valeur",
    "variables": "Variables",
    "verdict": "Avis",
    "verified": "Vérifiée",
    "visible_to_candidate": "Visible du candidat",
    "waiting_list": "Liste complémentaire",
    "year": "Année",
    "zone": "Zone",
}

# Where a table means something else by a shared column name.
TABLE_HEADINGS = {
    "application": {"status": "Statut du dossier", "created_at": "Créée le"},
    "campaign": {"start_date": "Début de la campagne", "end_date": "Fin de la campagne"},
    "campaign_statistics": {"status": "Statut du dossier"},
    "return_reminder": {"return_date": "Date de retour rappelée", "sent_at": "Envoyé le"},
    "submitted_piece": {"status": "Statut de la pièce"},
    "outbox_mail": {"status": "État", "created_at": "Créé le"},
    "stored_file": {"kind": "Origine", "created_at": "Déposé le"},
    "internal_study": {"mention": "Mention obtenue"},
    "prior_study": {"label": "Libellé et niveau", "year": "Année d'obtention"},
    "baccalaureate": {"year": "Année d'obtention", "lycee": "Lycée"},
    "commission": {"email": "Courriel de la commission", "phone": "Téléphone"},
    "mail_template": {"code": "Courriel"},
    "note": {"created_at": "Écrite le"},
    "work_experience": {"title": "Poste occupé"},
    "candidate_account": {"created_at": "Créé le"},
}

SCHEMA_PATH = re.compile(r"^/api/tables/([a-z0-9_]+)/schema/?$")


def heading(table_name: str, column_name: str) -> str | None:
    return TABLE_HEADINGS.get(table_name, {}).get(column_name) or HEADINGS.get(column_name)


def french_titles(table_name: str, schema: dict) -> dict:
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and (title := heading(table_name, name)):
            prop["title"] = title
    return schema


def with_french_headings(admin_app: ASGIApp) -> ASGIApp:
    """Rewrite the column titles of the admin's table schemas (small JSON answers,
    buffered whole); every other response passes through untouched."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        match = SCHEMA_PATH.match(scope["path"]) if scope["type"] == "http" else None
        if match is None or scope["method"] != "GET":
            await admin_app(scope, receive, send)
            return
        start: Message = {}
        body = bytearray()

        async def buffered(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            body.extend(message.get("body", b""))
            if message.get("more_body"):
                return
            content = bytes(body)
            if start.get("status") == 200:
                try:
                    schema = json.loads(content)
                    content = json.dumps(french_titles(match.group(1), schema)).encode()
                except (ValueError, AttributeError):
                    pass  # not the schema piccolo sends: passed on as it came
            headers = MutableHeaders(raw=list(start.get("headers", [])))
            headers["content-length"] = str(len(content))
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": content})

        await admin_app(scope, receive, buffered)

    return app

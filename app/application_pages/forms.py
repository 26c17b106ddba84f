"""What the candidate's application pages read from a request, and the French messages
they answer with (lifecycle refusals, upload errors, notes).

Messages are looked up when a page is rendered, so they follow the request's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import BinaryIO

from litestar import Request
from litestar.datastructures import UploadFile

from app.applications.lifecycle import Refusal
from app.applications.notes import MAX_CANDIDATE_NOTES, NOTE_MAX_LENGTH, NoteProblem
from app.core.i18n import gettext as _
from app.settings import get_settings
from app.web.forms import Form, read_form

FILE_FIELD = "fichier"
NOTE_FIELD = "note"
ACCEPTED_TYPES = ".pdf,.jpg,.jpeg,application/pdf,image/jpeg"


def size_limit_label(limit: int | None = None) -> str:
    """ "2 Mo", as the guide writes it (French decimal comma for other limits)."""
    limit = get_settings().max_upload_bytes if limit is None else limit
    megabytes = limit / (1024 * 1024)
    text = (
        f"{megabytes:.0f}" if megabytes == int(megabytes) else f"{megabytes:.1f}".replace(".", ",")
    )
    return _("%(size)s Mo", size=text)


def formats_hint() -> str:
    return _(
        "Vous pouvez déposer vos pièces justificatives sous format PDF/JPG/JPEG, ne dépassant pas %(limit)s par pièce.",
        limit=size_limit_label(),
    )


def refusal_message(reason: Refusal) -> str:
    """One plain sentence per reason a lifecycle change was refused (NOT_FOUND is a 404
    and never shown)."""
    messages = {
        Refusal.PROGRAMME_CLOSED: _(
            "Les candidatures à cette formation ne sont pas ouvertes aujourd'hui : il n'est possible de candidater que pendant la période de dépôt des candidatures."
        ),
        Refusal.DOSSIER_INCOMPLETE: _(
            "Votre dossier est incomplet : complétez vos informations personnelles, votre adresse et votre baccalauréat avant de candidater."
        ),
        Refusal.ALREADY_APPLIED: _("Vous avez déjà une candidature en cours pour cette formation."),
        Refusal.TOO_MANY_WISHES: _(
            "Vous avez atteint le nombre maximum de candidatures autorisé : annulez une candidature pour en déposer une nouvelle."
        ),
        Refusal.NOT_EDITABLE: _(
            "Votre candidature n'est plus modifiable : elle a été transmise, annulée, ou la date limite de retour est passée."
        ),
        Refusal.PIECE_FROZEN: _("Cette pièce a été validée : elle ne peut plus être modifiée."),
        Refusal.NOT_CONDITIONAL: _(
            "Cette pièce est obligatoire : vous ne pouvez pas l'indiquer « Non concerné »."
        ),
        Refusal.PIECES_MISSING: _(
            "Votre candidature ne peut pas être transmise : déposez d'abord chaque pièce en attente ou refusée."
        ),
        Refusal.ALREADY_TRANSMITTED: _("Votre candidature a déjà été transmise."),
        Refusal.NOT_CANCELLABLE: _(
            "Cette candidature ne peut plus être annulée : elle a déjà été traitée par le gestionnaire de votre dossier."
        ),
        Refusal.NO_ANSWER_EXPECTED: _(
            "Aucune réponse n'est attendue pour cette candidature : pas d'avis favorable validé, ou réponse déjà donnée."
        ),
        Refusal.DEADLINE_PASSED: _("La date limite de confirmation est dépassée."),
        Refusal.CAMPAIGN_ARCHIVED: _(
            "La campagne de cette candidature est close et archivée : plus rien n'y est modifiable."
        ),
    }
    return messages.get(reason, _("Cette action n'est pas possible sur votre candidature."))


def upload_message(reason: str, piece_label: str) -> str:
    """``UploadRefused.reason`` → a message naming the piece and the limit."""
    limit = size_limit_label()
    if reason == "too_large":
        return _(
            "« %(piece)s » : le fichier est trop volumineux. Déposez un fichier PDF/JPG/JPEG ne dépassant pas %(limit)s par pièce.",
            piece=piece_label,
            limit=limit,
        )
    if reason == "wrong_type":
        return _(
            "« %(piece)s » : ce fichier n'est ni un PDF ni une image JPEG. Formats acceptés : PDF/JPG/JPEG, ne dépassant pas %(limit)s par pièce.",
            piece=piece_label,
            limit=limit,
        )
    if reason == "damaged":
        return _(
            "« %(piece)s » : ce fichier ne s'ouvre pas en entier (incomplet, endommagé ou protégé par un mot de passe). Enregistrez-le de nouveau puis déposez-le ; formats acceptés : PDF/JPG/JPEG, ne dépassant pas %(limit)s par pièce.",
            piece=piece_label,
            limit=limit,
        )
    if reason == "active_content":
        return _(
            "« %(piece)s » : ce fichier contient du code ou des éléments actifs (JavaScript, action de lancement, fichier joint ou page web), refusés par sécurité. Enregistrez-le de nouveau au format PDF (« Imprimer » puis « Enregistrer au format PDF ») ou JPEG, puis déposez-le.",
            piece=piece_label,
        )
    return _(
        "« %(piece)s » : choisissez un fichier PDF/JPG/JPEG non vide, ne dépassant pas %(limit)s par pièce.",
        piece=piece_label,
        limit=limit,
    )


def too_large_message() -> str:
    """When the request itself is over the limit (the piece is not known yet)."""
    return _(
        "Le fichier envoyé est trop volumineux : déposez un fichier PDF/JPG/JPEG ne dépassant pas %(limit)s par pièce.",
        limit=size_limit_label(),
    )


def file_field(piece_id: int) -> str:
    """Name of the piece's file input: the error summary links to ``#fichier-<id>``."""
    return f"{FILE_FIELD}-{piece_id}"


@dataclass(frozen=True)
class Upload:
    filename: str
    file: BinaryIO
    """Litestar's spooled copy of the file (on disk past 1 MB), never read whole here:
    the storage copies it a piece at a time."""


async def read_upload(request: Request) -> Upload:
    """The file posted in the ``fichier`` field; an empty one when nothing was chosen
    (the storage then refuses it as ``empty``)."""
    data = await request.form()
    part = data.get(FILE_FIELD)
    if not isinstance(part, UploadFile):
        return Upload(filename="", file=BytesIO())
    return Upload(filename=part.filename or "", file=part.file)


async def read_note(request: Request) -> tuple[Form, str]:
    """The note typed in the Bloc-notes form, trimmed; errors on the form (the domain
    checks the same bounds again: :func:`app.applications.notes.add_candidate_note`)."""
    form = await read_form(request, multiline={NOTE_FIELD})
    form.values.setdefault(NOTE_FIELD, "")
    message = form.values[NOTE_FIELD].strip()
    if not form.ok:
        return form, message  # control characters: the message is on the field already
    if not message:
        form.add_error(NOTE_FIELD, note_message(NoteProblem.EMPTY))
    elif len(message) > NOTE_MAX_LENGTH:
        form.add_error(NOTE_FIELD, note_message(NoteProblem.TOO_LONG))
    return form, message


def note_message(problem: NoteProblem) -> str:
    if problem is NoteProblem.EMPTY:
        return _("Saisissez le texte de la note.")
    if problem is NoteProblem.TOO_LONG:
        return _("La note ne peut pas dépasser %(max)d caractères.", max=NOTE_MAX_LENGTH)
    return _(
        "Ce bloc-notes contient déjà %(max)d notes, le nombre maximum : il n'est plus possible d'en ajouter.",
        max=MAX_CANDIDATE_NOTES,
    )


def done_message(key: str | None) -> str:
    """The confirmation shown after a redirect (``?fait=<key>``), in the page's language."""
    messages = {
        "creee": _(
            "Votre candidature a été enregistrée et un mail de confirmation vous a été envoyé. Déposez maintenant vos pièces justificatives, puis transmettez votre candidature."
        ),
        "piece-deposee": _("La pièce a été déposée."),
        "piece-supprimee": _("Le fichier de la pièce a été supprimé."),
        "non-concerne": _("La pièce est indiquée « Non concerné »."),
        "transmise": _(
            "Votre candidature a été transmise : le statut de votre dossier est « Réceptionné ». Vous allez recevoir un mail accusant de la bonne réception de votre dossier."
        ),
        "annulee": _("Votre candidature a été annulée. Un mail vous a été envoyé."),
        "confirmee": _("Vous avez confirmé votre candidature. Un mail vous a été envoyé."),
        "desistement": _("Votre désistement a été enregistré. Un mail vous a été envoyé."),
        "note": _("Votre note a été ajoutée au bloc-notes."),
    }
    return messages.get(key or "", "")

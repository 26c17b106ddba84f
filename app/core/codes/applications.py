"""eCandidat's two-letter codes for applications, and their groups.

Labels are never taken from these names: templates translate the code.
"""

from __future__ import annotations

from enum import StrEnum


class DossierStatus(StrEnum):
    WAITING = "AT"  # En attente
    RECEIVED = "RE"  # Réceptionné
    INCOMPLETE = "IN"  # Incomplet
    COMPLETE = "CO"  # Complet


class PieceStatus(StrEnum):
    WAITING = "AT"  # En attente
    TRANSMITTED = "TR"  # Transmise
    VALIDATED = "VA"  # Validée
    REFUSED = "RE"  # Refusée
    NOT_CONCERNED = "NC"  # Non concerné


class ProcessingType(StrEnum):
    CONTROLLED = "AC"  # Accès contrôlé
    DIRECT = "AD"  # Accès direct
    PENDING = "AT"  # En attente


class Verdict(StrEnum):
    FAVOURABLE = "FA"
    UNFAVOURABLE = "DE"
    WAITING_LIST = "LA"
    COMPLEMENTARY_LIST = "LC"
    PRESELECTION = "PR"


class Answer(StrEnum):
    CONFIRMED = "CF"  # Confirmation
    WITHDRAWN = "DS"  # Désistement


class ActorKind(StrEnum):
    CANDIDATE = "candidate"
    STAFF = "staff"
    SYSTEM = "system"


EDITABLE_DOSSIER = frozenset({DossierStatus.WAITING, DossierStatus.INCOMPLETE})
TRANSMITTABLE_DOSSIER = EDITABLE_DOSSIER
BLOCKING_PIECE = frozenset({PieceStatus.WAITING, PieceStatus.REFUSED})
FROZEN_PIECE = frozenset({PieceStatus.VALIDATED})
# Guide §05.3: a candidate may cancel until staff have processed the application, so
# while it waits (AT) or has been transmitted (RE) and nobody has judged it since.
CANCELLABLE_DOSSIER = frozenset({DossierStatus.WAITING, DossierStatus.RECEIVED})
# A piece row staff left in one of these states means they reviewed the dossier.
REVIEWED_PIECE = frozenset({PieceStatus.VALIDATED, PieceStatus.REFUSED})

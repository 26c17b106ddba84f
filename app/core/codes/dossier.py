"""Codes used by the candidate's dossier."""

from __future__ import annotations

from enum import StrEnum


class Civility(StrEnum):
    MR = "M"  # M.
    MRS = "MME"  # Mme


class StudyOutcome(StrEnum):
    OBTAINED = "O"  # obtenu
    NOT_OBTAINED = "N"  # non obtenu
    IN_PROGRESS = "E"  # en cours


NO_BAC_SERIE = "0000"
"""The série code of a candidate without the bac ("Je n'ai pas le Bac")."""

"""One row per letter issued to a candidate: the code printed on it (and in its QR
code) that the public verification page looks up."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.constraints import Unique
from piccolo.table import Table

from app.db import one_of
from app.tables.applications import Application, Decision


class LetterKind(StrEnum):
    ADMISSION = "admission"  # validated favourable decision
    REFUSAL = "refusal"  # validated unfavourable decision


class IssuedLetter(
    Table, help_text="Courriers produits (admission, refus) et leur code de vérification."
):
    """A letter as issued: the same decision and kind always give back the same code,
    so a letter downloaded twice verifies the same way. Whether it still holds (the
    decision replaced, the application withdrawn) is read from the application at
    verification time, never stored twice."""

    code = Varchar(
        length=16, unique=True, help_text="Code de vérification imprimé sur le courrier."
    )
    application = ForeignKey(Application, on_delete=OnDelete.cascade, index=True, null=False)
    decision = ForeignKey(Decision, on_delete=OnDelete.cascade, index=True, null=False)
    kind = Varchar(length=10)
    issued_at = Timestamptz(default=TimestamptzNow())

    kind_check = one_of("kind", LetterKind)
    issued_letter_unique = Unique(["decision", "kind"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.code])

"""Files kept in storage (uploaded pieces, generated letters)."""

from __future__ import annotations

from piccolo.columns import ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.table import Table

from app.db import one_of
from app.tables.accounts import CandidateAccount


class StoredFile(
    Table, help_text="Fichiers déposés par les candidats ou produits par l'application."
):
    """A file under ``STORAGE_DIR`` with a random name; served only through the app."""

    owner = ForeignKey(CandidateAccount, null=True, on_delete=OnDelete.cascade, index=True)
    storage_key = Varchar(
        length=64,
        unique=True,
        help_text="Nom aléatoire du fichier dans le stockage ; l'œil ouvre le fichier.",
    )
    original_name = Varchar(length=255)
    content_type = Varchar(length=50)
    size_bytes = Integer()
    sha256 = Varchar(length=64)
    kind = Varchar(
        length=10,
        default="candidate",
        help_text="candidate : déposé par un candidat ; staff : par un personnel ; letter : courrier produit.",
    )
    created_at = Timestamptz(default=TimestamptzNow())

    kind_check = one_of("kind", ["candidate", "staff", "letter"])
    content_type_check = one_of("content_type", ["application/pdf", "image/jpeg"])

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.original_name])

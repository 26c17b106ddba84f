from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date, Varchar
from piccolo.table import Table

from app.core.identity_key import identity_key

ID = "2026-11-30T05:00:02:112233"
VERSION = "1.38.0"
DESCRIPTION = "Fill Candidate.identity_key for the dossiers written before it existed"


class Candidate(Table, tablename="candidate", schema=None):
    birth_name = Varchar(length=100)
    first_name = Varchar(length=100)
    birth_date = Date(null=True)
    identity_key = Varchar(length=255, null=True)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="ecesure", description=DESCRIPTION)

    async def run():
        # Once per database: the key is written with the identity from now on.
        rows = await Candidate.select(
            Candidate.id, Candidate.birth_name, Candidate.first_name, Candidate.birth_date
        ).where(Candidate.birth_date.is_not_null())
        for row in rows:
            key = identity_key(row["birth_name"], row["first_name"], row["birth_date"])
            if key is not None:
                await Candidate.update({Candidate.identity_key: key}).where(
                    Candidate.id == row["id"]
                )

    manager.add_raw(run)
    return manager

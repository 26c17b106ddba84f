"""asyncpg connections that skip the reset query when the pool takes them back.

asyncpg sends ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` to the
server each time a connection returns to the pool, that is after every query run
outside a transaction: one more round trip per query (a signed-in page runs up to
six). The portal leaves nothing for it to undo: its advisory locks are
transaction-level (``pg_advisory_xact_lock``, released at commit), it declares no
cursor outside a transaction, listens to nothing and sets no session variable.
An open transaction is still rolled back on release (asyncpg does that before the
query, whatever it is).
"""

from __future__ import annotations

from asyncpg import Connection


class NoResetQueryConnection(Connection):
    def get_reset_query(self) -> str:
        return ""

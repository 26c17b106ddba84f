"""A worker's SMTP connections, kept open from one mail to the next.

Opening a connection costs a TCP handshake, the server's greeting, EHLO (and TLS and
login in production): more than sending a short mail over it. A worker sends several
mails at once (arq's ``max_jobs``), so it keeps a few connections and hands an idle one
to the next mail.

A connection that failed in any way is closed, never reused: the next mail opens a new
one. A connection idle for longer than ``IDLE_SECONDS`` is closed rather than reused
(servers drop idle clients after a few minutes; RFC 5321 §4.5.3.2 asks them to wait at
least five), and one that carried ``MESSAGES_PER_CONNECTION`` mails is closed with QUIT
(some servers refuse more mails per session, with a reply that would fail a mail).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

import aiosmtplib

from app.settings import Settings

IDLE_SECONDS = 30.0
OPEN_AT_MOST = 10
"""Connections open at once per worker: mail servers limit them per client (Postfix:
50), and ten carry far more mails than the worker's jobs can prepare."""
MESSAGES_PER_CONNECTION = 100


def open_options(settings: Settings) -> dict:
    """aiosmtplib's connection options for the configured server."""
    return {
        "hostname": settings.smtp_host,
        "port": settings.smtp_port,
        "username": settings.smtp_username or None,
        "password": settings.smtp_password or None,
        "use_tls": settings.smtp_tls == "tls",
        # False, not None: aiosmtplib would otherwise upgrade whenever offered.
        "start_tls": settings.smtp_tls == "starttls",
        "timeout": settings.smtp_timeout_seconds,
    }


@dataclass
class _Open:
    smtp: aiosmtplib.SMTP
    sent: int = 0
    idle_since: float = field(default_factory=time.monotonic)


class SmtpConnections:
    """Idle connections to one SMTP server, handed out one user at a time."""

    def __init__(self, settings: Settings, *, open_at_most: int = OPEN_AT_MOST) -> None:
        self.options = open_options(settings)
        self.idle: list[_Open] = []
        # More jobs than connections: a job waits here for one (its database work and
        # its neighbours' go on meanwhile).
        self.slots = asyncio.Semaphore(open_at_most)

    def _take(self) -> _Open | None:
        while self.idle:
            held = self.idle.pop()
            fresh = time.monotonic() - held.idle_since < IDLE_SECONDS
            if fresh and held.smtp.is_connected:
                return held
            held.smtp.close()
        return None

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[aiosmtplib.SMTP]:
        """An open connection for one mail; closed if anything goes wrong with it."""
        async with self.slots, self._connection() as smtp:
            yield smtp

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[aiosmtplib.SMTP]:
        held = self._take()
        if held is None:
            held = _Open(aiosmtplib.SMTP(**self.options))
            try:
                await held.smtp.connect()
            except BaseException:
                held.smtp.close()
                raise
        try:
            yield held.smtp
        except BaseException:
            held.smtp.close()  # its state is unknown (cancelled mid-exchange, error reply)
            raise
        held.sent += 1
        if held.sent >= MESSAGES_PER_CONNECTION:
            await self._quit(held)
        else:
            held.idle_since = time.monotonic()
            self.idle.append(held)

    async def _quit(self, held: _Open) -> None:
        with suppress(aiosmtplib.SMTPException, OSError):
            await held.smtp.quit()
        held.smtp.close()

    async def close(self) -> None:
        """QUIT every idle connection (the worker stops)."""
        while self.idle:
            await self._quit(self.idle.pop())

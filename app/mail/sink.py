"""The development SMTP sink: every mail received is kept as an ``.eml`` file.

``python -m app.mail.sink`` listens on SMTP_HOST:SMTP_PORT (127.0.0.1:8025 in dev) until
Ctrl-C and writes to ``var/mail-sink/``. The dev pages (``/dev/mails``) and the tests
read the files back with the helpers below. Nothing is relayed anywhere.
"""

from __future__ import annotations

import asyncio
import re
import signal
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

from app.settings import get_settings

# File names are "<nanoseconds since epoch>-<uuid4 hex>.eml": sortable by arrival time,
# and the only names read back, so an id from a URL can never leave the folder.
MESSAGE_ID_PATTERN = re.compile(r"\A[0-9]{19,20}-[0-9a-f]{32}\.eml\Z")


class SinkHandler:
    """aiosmtpd handler writing each message to ``directory`` and nothing else."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.eml"
        partial = self.directory / f".{name}.part"
        # Written aside, then renamed: a reader never sees half a message.
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.replace(self.directory / name)
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class SinkMessage:
    id: str
    received_at: datetime
    sender: str
    to: str
    subject: str


def _directory(directory: Path | None) -> Path:
    return directory or get_settings().mail_sink_dir


def _parse(path: Path) -> EmailMessage:
    with path.open("rb") as file:
        return BytesParser(policy=policy.default).parse(file)  # type: ignore[return-value]


def _received_at(message_id: str) -> datetime:
    return datetime.fromtimestamp(int(message_id.split("-", 1)[0]) / 1e9, tz=UTC)


def message_ids(directory: Path | None = None) -> list[str]:
    """Ids of the stored messages, oldest first."""
    folder = _directory(directory)
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if MESSAGE_ID_PATTERN.match(p.name))


def list_messages(directory: Path | None = None) -> list[SinkMessage]:
    """Summary of every stored message, newest first."""
    folder = _directory(directory)
    summaries = []
    for message_id in reversed(message_ids(folder)):
        message = _parse(folder / message_id)
        summaries.append(
            SinkMessage(
                id=message_id,
                received_at=_received_at(message_id),
                sender=str(message.get("From", "")),
                to=str(message.get("To", "")),
                subject=str(message.get("Subject", "")),
            )
        )
    return summaries


def read_message(message_id: str, directory: Path | None = None) -> EmailMessage | None:
    """The stored message with this id; None for an unknown or malformed id."""
    if not MESSAGE_ID_PATTERN.match(message_id):
        return None
    path = _directory(directory) / message_id
    return _parse(path) if path.is_file() else None


def text_part(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return body.get_content() if body is not None else ""


def html_part(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("html",))
    return body.get_content() if body is not None else ""


def clear(directory: Path | None = None) -> None:
    """Delete every stored message."""
    folder = _directory(directory)
    for message_id in message_ids(folder):
        (folder / message_id).unlink(missing_ok=True)


async def serve(host: str, port: int, directory: Path) -> None:
    """Receive mails until SIGINT or SIGTERM."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    # Explicit handlers: a process started in the background inherits an ignored
    # SIGINT, and Ctrl-C (or the supervisor's SIGTERM) must still stop it.
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    handler = SinkHandler(directory)
    server = await loop.create_server(lambda: SMTP(handler, hostname="ecesure-sink"), host, port)
    print(f"Dev mail sink on {host}:{port}, writing to {directory}", flush=True)
    async with server:
        await stop.wait()


def main() -> None:
    settings = get_settings()
    asyncio.run(serve(settings.smtp_host, settings.smtp_port, settings.mail_sink_dir))


if __name__ == "__main__":
    main()

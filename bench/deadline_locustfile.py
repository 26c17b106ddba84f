"""Locust scenario of deadline day, run by ``bench/deadline_day.py`` (not on its own).

Each simulated candidate, once: signs in, opens their application, uploads its three
pieces (each upload answered 303, then the summary page as a browser would follow it),
opens the transmit confirmation and transmits, then stays idle until everyone is done
(Locust would replace a user that stops). Each comes from an address of their own
(``X-Forwarded-For``, trusted by uvicorn from the loopback like from a reverse proxy):
the sign-in limits are per address. When every candidate is done, Locust stops.

Environment: ``DEADLINE_CANDIDATES`` (a JSON file: ``{"pieces": [ids], "candidates":
[[login, application id], ...]}``), ``DEADLINE_FILES`` (a folder holding ``piece.pdf``
and ``piece.jpg``), ``DEADLINE_PASSWORD``.

The candidates are ``FastHttpUser``s (geventhttpclient): Locust runs on the same two
cores as the portal, and its default client (requests) costs several times more CPU a
request. That client sends no multipart forms, so the uploads are encoded here.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import uuid
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

SEED = json.loads(Path(os.environ["DEADLINE_CANDIDATES"]).read_text())
FILES = Path(os.environ["DEADLINE_FILES"])
PIECE_FILES = [
    ("scan.pdf", (FILES / "piece.pdf").read_bytes(), "application/pdf"),
    ("photo.jpg", (FILES / "piece.jpg").read_bytes(), "image/jpeg"),
    ("releve.pdf", (FILES / "piece.pdf").read_bytes(), "application/pdf"),
]
PASSWORD = os.environ["DEADLINE_PASSWORD"]
_next_candidate = iter(enumerate(SEED["candidates"]))
_done = 0  # candidates who transmitted or gave up after a failure
FORM = "application/x-www-form-urlencoded"


def multipart(fields: dict[str, str], name: str, file: tuple[str, bytes, str]) -> tuple[bytes, str]:
    """A multipart/form-data body, as a browser sends a form with a file: the fields,
    then the file's part; and its content type."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    filename, data, kind = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        f"\r\nContent-Type: {kind}\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class GaveUp(Exception):
    """A step failed: the candidate's next steps would only fail in turn."""


class Candidate(FastHttpUser):
    # Time a person takes between two pages: reading, choosing a file.
    wait_time = constant(1)

    def on_start(self) -> None:
        try:
            self.number, (self.login, self.application_id) = next(_next_candidate)
        except StopIteration:
            raise StopUser from None
        n = self.number
        self.address = f"10.{n // 62500}.{n // 250 % 250}.{n % 250 + 1}"

    def expect(self, response, status: int, needs: str | None, to: str | None) -> bool:
        if response.status_code != status:
            response.failure(f"{response.status_code}, expected {status}")
        elif needs is not None and not re.search(needs, response.text or ""):
            response.failure(f"no {needs!r} in the page")
        elif to is not None and to not in response.headers.get("location", ""):
            # A 303 to the sign-in page is not the 303 of a change done.
            response.failure(f"redirected to {response.headers.get('location')!r}, not {to!r}")
        else:
            response.success()
            return True
        return False

    def token(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "ecesure_csrf"), "")

    def step(
        self,
        method: str,
        url: str,
        status: int,
        name: str,
        needs=None,
        to=None,
        form: dict | None = None,
        file: tuple[str, bytes, str] | None = None,
    ) -> None:
        """One request, not following redirects (each is measured on its own); a
        failure unless it answers ``status`` (and, if given, ``needs`` is in the page,
        ``to`` in the redirect's location). After a failure the candidate gives up
        (:class:`GaveUp`): the next steps would only fail in turn (signed out, no form)."""
        headers = {"X-Forwarded-For": self.address}
        body = None
        if file is not None:
            body, headers["Content-Type"] = multipart(form or {}, "fichier", file)
        elif form is not None:
            body, headers["Content-Type"] = urlencode(form).encode(), FORM
        with self.client.request(
            method,
            url,
            name=name,
            data=body,
            headers=headers,
            catch_response=True,
            allow_redirects=False,
        ) as response:
            ok = self.expect(response, status, needs, to)
        if not ok:
            raise GaveUp

    @task
    def deadline_day(self) -> None:
        """The visit, then the candidate stays, idle, until everyone is done. A user
        that stopped would be replaced at Locust's next spawning tick by a new one (the
        next candidate), on top of the spawn rate: the arrivals would bunch up."""
        with contextlib.suppress(GaveUp):
            self.visit()
        global _done
        _done += 1
        if _done == len(SEED["candidates"]):
            # Everyone is done: stop the run, from another greenlet (not this user's own)
            # and a little later (the last requests' statistics are counted first).
            gevent.spawn_later(2, self.environment.runner.quit)
        while True:
            gevent.sleep(3600)

    def visit(self) -> None:
        summary = f"/candidatures/{self.application_id}"
        self.step("GET", "/connexion", 200, "GET /connexion")
        self.wait()
        self.step(
            "POST",
            "/connexion",
            303,
            "POST /connexion",
            to="/dossier",
            form={"identifier": self.login, "password": PASSWORD, "_csrf_token": self.token()},
        )
        self.step("GET", summary, 200, "GET /candidatures/[id]", needs=r"pieces/\d+")
        for piece_id, (name, data, kind) in zip(SEED["pieces"], PIECE_FILES, strict=True):
            self.wait()
            self.step(
                "POST",
                f"{summary}/pieces/{piece_id}",
                303,
                "POST /candidatures/[id]/pieces/[piece]",
                to="piece-deposee",
                form={"_csrf_token": self.token()},
                file=(name, data, kind),
            )
            self.step("GET", summary, 200, "GET /candidatures/[id]")
        self.wait()
        self.step("GET", f"{summary}/transmettre", 200, "GET /candidatures/[id]/transmettre")
        self.wait()
        self.step(
            "POST",
            f"{summary}/transmettre",
            303,
            "POST /candidatures/[id]/transmettre",
            to="transmise",
            form={"_csrf_token": self.token()},
        )
        self.step("GET", summary, 200, "GET /candidatures/[id]")


@events.test_start.add_listener
def _announce(environment, **_) -> None:
    print(f"deadline day: {len(SEED['candidates'])} candidates", flush=True)

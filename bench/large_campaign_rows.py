"""The rows of a large campaign, drawn with realistic proportions (bench/large_campaign.py
writes them). Every function yields tuples in the order of its ``*_COLUMNS``.

Proportions (live applications): 30 % waiting (AT), 8 % incomplete (IN), 22 % received
(RE), 40 % complete (CO); 3 % cancelled. A complete application has a decision 85 % of
the time: favourable 45 %, unfavourable 25 %, complementary list 15 % (ranked), waiting
list 10 %, preselection 5 %; 85 % of them validated. A validated favourable decision is
confirmed 45 % of the time, withdrawn 10 %, unanswered 45 %.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bench.large_campaign_columns import (  # noqa: F401 (large_campaign reads them here)
    ACCOUNT_COLUMNS,
    APPLICATION_COLUMNS,
    AUDIT_COLUMNS,
    BAC_COLUMNS,
    CANDIDATE_COLUMNS,
    DECISION_COLUMNS,
    FIRST_NAMES,
    HISTORY_COLUMNS,
    LAST_NAMES,
    LOGIN_DIGITS,
    MAIL_COLUMNS,
    PIECE_COLUMNS,
    TOKEN_COLUMNS,
)


def login_number(login: str | None) -> int:
    """The number behind a generated login (0 for none): numbering goes on after it."""
    return int(login[1:], 36) if login else 0


def login_of(number: int) -> str:
    """A unique 8-character dossier number ("B" + base 36), never a real one's shape."""
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = LOGIN_DIGITS[rest] + digits
        if not number:
            break
    return "B" + digits.rjust(7, "0")


@dataclass
class Ids:
    """Next free id of each table, advanced as rows are drawn."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class Draw:
    """Everything the rows depend on: the catalogue ids and the clock."""

    rng: random.Random
    ids: Ids
    campaign: int
    programmes: list[int]
    pieces: list[int]
    verdict_types: dict[str, int]
    countries: list[int]
    series: list[int]
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    applications: list[tuple] = field(default_factory=list)  # (id, account, status, verdict)

    def ago(self, days_max: int) -> datetime:
        return self.now - timedelta(seconds=self.rng.randrange(3600, days_max * 86400))


def accounts(draw: Draw, count: int, *, activated: bool) -> Iterator[tuple]:
    """Candidate accounts; unactivated ones are past their purge date."""
    for _ in range(count):
        account_id = draw.ids.take("candidate_account")
        created = draw.ago(60)
        yield (
            account_id,
            draw.campaign,
            login_of(draw.ids.take("login")),
            f"bench{account_id}@candidats.example",
            draw.rng.choice(LAST_NAMES),
            draw.rng.choice(FIRST_NAMES),
            "$argon2id$bench$not-a-real-hash",
            "en" if draw.rng.random() < 0.1 else "fr",
            created if activated else None,
            created if activated else None,
            None if activated else draw.now - timedelta(hours=draw.rng.randrange(1, 240)),
            created,
        )


def candidates(draw: Draw, account_rows: list[tuple]) -> Iterator[tuple]:
    rng = draw.rng
    for account in account_rows:
        yield (
            draw.ids.take("candidate"),
            account[0],
            rng.choice(("M", "MME")),
            account[4],
            account[4] if rng.random() < 0.9 else "",
            account[5],
            date(rng.randrange(1998, 2008), rng.randrange(1, 13), rng.randrange(1, 29)),
            rng.choice(draw.countries),
            f"{rng.randrange(10**9, 10**10)}{rng.choice('ABCDEFGHJK')}",
        )


def baccalaureates(draw: Draw, candidate_rows: list[tuple]) -> Iterator[tuple]:
    for candidate in candidate_rows:
        yield (
            draw.ids.take("baccalaureate"),
            candidate[0],
            draw.rng.randrange(2016, 2026),
            draw.rng.choice(draw.series),
        )


def _status(rng: random.Random) -> str:
    roll = rng.random()
    return "AT" if roll < 0.30 else "IN" if roll < 0.38 else "RE" if roll < 0.60 else "CO"


def _verdict(rng: random.Random) -> str | None:
    if rng.random() >= 0.85:
        return None
    roll = rng.random()
    return (
        "FA"
        if roll < 0.45
        else "DE"
        if roll < 0.70
        else "LC"
        if roll < 0.85
        else "LA"
        if roll < 0.95
        else "PR"
    )


def applications(draw: Draw, candidate_rows: list[tuple], total: int) -> Iterator[tuple]:
    """``total`` applications spread over the candidates (1 to 4 each, 2 on average),
    each to a different programme; remembered in ``draw.applications``."""
    rng = draw.rng
    left = total
    for index, candidate in enumerate(candidate_rows):
        remaining = len(candidate_rows) - index
        count = left if remaining == 1 else min(left, max(1, rng.choice((1, 2, 2, 3))))
        left -= count
        for programme in rng.sample(draw.programmes, count):
            application_id = draw.ids.take("application")
            created = draw.ago(50)
            status = _status(rng)
            cancelled = rng.random() < 0.03
            if cancelled:
                status = "AT"
            sent = None if status == "AT" else created + timedelta(days=rng.randrange(1, 10))
            verdict = _verdict(rng) if status == "CO" else None
            validated = verdict is not None and rng.random() < 0.85
            answer = None
            if verdict == "FA" and validated:
                roll = rng.random()
                answer = "CF" if roll < 0.45 else "DS" if roll < 0.55 else None
            draw.applications.append(
                (application_id, candidate[1], status, verdict, validated, sent, answer)
            )
            yield (
                application_id, candidate[0], programme, status, "AC", status == "CO",
                created, sent or created, sent, sent,
                sent if status == "CO" else None, sent if status == "IN" else None,
                created + timedelta(days=1) if cancelled else None,
                answer, draw.now - timedelta(days=1) if answer else None,
                "candidate" if answer else None,
            )  # fmt: skip


def pieces(draw: Draw) -> Iterator[tuple]:
    """One row per asked piece: waiting or sent before transmission, then reviewed."""
    rng = draw.rng
    for application_id, _account, status, *_ in draw.applications:
        for piece in draw.pieces:
            if status == "AT":
                piece_status, by = rng.choice(("AT", "TR", "TR")), "candidate"
            elif status == "RE":
                piece_status, by = "TR", "candidate"
            elif status == "IN":
                piece_status, by = rng.choice(("RE", "VA", "TR")), "staff"
            else:
                piece_status, by = rng.choice(("VA", "VA", "VA", "NC")), "staff"
            yield (draw.ids.take("submitted_piece"), application_id, piece, piece_status,
                   draw.ago(40), by)  # fmt: skip


def decisions(draw: Draw) -> Iterator[tuple]:
    ranks: dict[str, int] = {}
    for application_id, _account, _status, verdict, validated, *_ in draw.applications:
        if verdict is None:
            continue
        rank = None
        if verdict == "LC":
            rank = ranks[verdict] = ranks.get(verdict, 0) + 1
        entered = draw.ago(10)
        yield (draw.ids.take("decision"), application_id, draw.verdict_types[verdict], rank,
               entered, validated, entered if validated else None)  # fmt: skip


def audit_events(draw: Draw) -> Iterator[tuple]:
    """Created, and transmitted when it was: the two events every application has."""
    for application_id, account, _status, _v, _val, sent, _a in draw.applications:
        yield (draw.ids.take("audit_event"), draw.ago(50), "candidate", account,
               "application_created", "application", application_id, application_id, True, {})  # fmt: skip
        if sent is not None:
            yield (draw.ids.take("audit_event"), sent, "candidate", account,
                   "application_transmitted", "application", application_id, application_id,
                   True, {})  # fmt: skip


def application_mails(draw: Draw) -> Iterator[tuple]:
    """The sent APPLICATION_CREATED mail of every application."""
    for application_id, account, *_ in draw.applications:
        moment = draw.ago(50)
        yield (draw.ids.take("outbox_mail"), f"bench{account}@candidats.example",
               "Votre candidature est enregistrée", "<p>Bonjour,</p>", "Bonjour,\n",
               "application_created", account, application_id, "sent", moment, moment)  # fmt: skip


def signup_rows(draw: Draw, account_rows: list[tuple]) -> dict[str, list[tuple]]:
    """What a sign-up leaves besides the account: its activation token, its mail, its
    audit event and the dossier number in the history."""
    rows: dict[str, list[tuple]] = {
        "account_token": [], "outbox_mail": [], "audit_event": [], "dossier_number_history": []
    }  # fmt: skip
    for account in account_rows:
        account_id, created = account[0], account[11]
        rows["account_token"].append((draw.ids.take("account_token"), account_id, "activation",
                                      f"bench-token-{account_id}", created, account[10]))  # fmt: skip
        rows["outbox_mail"].append((draw.ids.take("outbox_mail"), account[3],
                                    "Activez votre compte", "<p>Lien</p>", "Lien\n",
                                    "account_created", account_id, None, "sent", created, created))  # fmt: skip
        rows["audit_event"].append((draw.ids.take("audit_event"), created, "candidate",
                                    account_id, "account_created", "account", account_id, None,
                                    False, {}))  # fmt: skip
        rows["dossier_number_history"].append(
            (draw.ids.take("dossier_number_history"), account[2], created)
        )
    return rows

"""The queue's filter, read from and written back to the URL (bookmarkable, no JS).

Every value is checked against its list of codes; anything else is dropped, so a
hand-made URL can narrow the queue but never break it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from urllib.parse import urlencode

from app.core.codes.applications import Answer, DossierStatus, Verdict
from app.input_rules import is_ascii_digits

PAGE_SIZE = 50
MAX_PAGE = 100_000
MAX_ID = 2**31 - 1
SEARCH_MAX = 100

# Decision state of the current (latest) decision.
DECISION_NONE = "aucune"
DECISION_ENTERED = "saisie"  # entered, not validated yet: not visible to the candidate
DECISION_VALIDATED = "validee"
DECISION_STATES = (DECISION_NONE, DECISION_ENTERED, DECISION_VALIDATED, *(v.value for v in Verdict))
ANSWER_NONE = "aucune"
ANSWER_STATES = (ANSWER_NONE, *(a.value for a in Answer))

SORT_COLUMNS = (
    "dossier",
    "nom",
    "naissance",
    "nationalite",
    "bac",
    "formation",
    "transmission",
    "statut",
    "pieces",
    "decision",
)
DEFAULT_SORT = "transmission"


def _id(value: str | None) -> int | None:
    if value and is_ascii_digits(value) and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def _one_of(value: str | None, allowed) -> str | None:
    return value if value in allowed else None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _clean_search(value: str | None) -> str:
    text = "".join(ch for ch in (value or "") if ch.isprintable())
    return text.strip()[:SEARCH_MAX]


@dataclass(frozen=True)
class QueueFilter:
    campaign: int | None = None
    centre: int | None = None
    programme: int | None = None
    status: str | None = None
    decision: str | None = None
    to_review: bool = False
    duplicates: bool = False  # possible duplicates only (issue 15)
    since: date | None = None
    answer: str | None = None
    q: str = ""
    sort: str = DEFAULT_SORT
    desc: bool = False
    page: int = 1

    @classmethod
    def from_params(cls, params) -> QueueFilter:
        """From the query string (a mapping of str → str)."""
        get = params.get
        page = get("page", "1")
        return cls(
            campaign=_id(get("campagne")),
            centre=_id(get("centre")),
            programme=_id(get("formation")),
            status=_one_of(get("statut"), {s.value for s in DossierStatus}),
            decision=_one_of(get("decision"), DECISION_STATES),
            to_review=get("a_verifier") == "1",
            duplicates=get("doublons") == "1",
            since=_date(get("depuis")),
            answer=_one_of(get("reponse"), ANSWER_STATES),
            q=_clean_search(get("q")),
            sort=_one_of(get("tri"), SORT_COLUMNS) or DEFAULT_SORT,
            desc=get("ordre") == "desc",
            page=min(int(page), MAX_PAGE) if is_ascii_digits(page) and int(page) > 0 else 1,
        )

    def params(self, **changes) -> dict[str, str]:
        """The query-string parameters of this filter (defaults left out)."""
        values = asdict(replace(self, **changes))
        named = {
            "campagne": values["campaign"],
            "centre": values["centre"],
            "formation": values["programme"],
            "statut": values["status"],
            "decision": values["decision"],
            "a_verifier": "1" if values["to_review"] else None,
            "doublons": "1" if values["duplicates"] else None,
            "depuis": values["since"].isoformat() if values["since"] else None,
            "reponse": values["answer"],
            "q": values["q"] or None,
            "tri": values["sort"] if values["sort"] != DEFAULT_SORT else None,
            "ordre": "desc" if values["desc"] else None,
            "page": values["page"] if values["page"] != 1 else None,
        }
        return {k: str(v) for k, v in named.items() if v is not None}

    def url(self, path: str = "/staff/candidatures", **changes) -> str:
        query = urlencode(self.params(**changes))
        return f"{path}?{query}" if query else path

    def sorted_by(self, column: str) -> str:
        """The URL sorting on ``column``: ascending, or reversed when already sorted on it."""
        desc = not self.desc if column == self.sort else False
        return self.url(sort=column, desc=desc, page=1)

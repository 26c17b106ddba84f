"""Every French string of the interface has its English translation."""

from __future__ import annotations

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.core.i18n import CATALOG_DIR
from app.settings import PROJECT_ROOT

METHODS = [
    ("app/**.py", "python"),
    ("templates/**.html", "jinja2"),
]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}


def extracted_msgids() -> set[str]:
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        PROJECT_ROOT, METHODS, options_map=OPTIONS
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_english_catalog_translates_every_string():
    with (CATALOG_DIR / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale="en")
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id and m.string}
    missing = sorted(extracted_msgids() - translated)
    assert missing == [], "run `make messages` and translate:\n" + "\n".join(missing)

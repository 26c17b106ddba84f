"""The language cookie read from the raw Cookie header by the language middleware."""

from __future__ import annotations

import pytest

from app.web.middleware import _chosen_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (b"", None),
        (b"ecesure_lang=en", "en"),
        (b"ecesure_session=abc; ecesure_lang=fr; other=1", "fr"),
        (b'ecesure_lang="en"', "en"),
        (b"a=1;ecesure_lang=en", "en"),
        (b"xecesure_lang=en", None),  # another cookie whose name ends the same
        (b"ecesure_session=ecesure_lang=en", None),  # inside another cookie's value
    ],
)
def test_the_language_cookie_is_found_in_the_header(header, language):
    assert _chosen_language(header) == language

"""Issue 14: one rule for the "next" addresses (language switch, candidate sign-in):
only a path of this site, whatever a link or a form sends."""

from __future__ import annotations

import pytest

from app.web.redirects import local_path


@pytest.mark.parametrize(
    "target",
    [
        "/dossier",
        "/candidatures/12?fait=transmise#pieces",
        "/",
        "/staff/candidatures?programme=3&page=2",
    ],
)
def test_a_path_of_ours_is_kept_whole(target):
    assert local_path(target, "/accueil") == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "dossier",
        "//evil.example/dossier",
        "/\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/dossier\\..\\x",
        " /dossier",
    ],
)
def test_anything_else_goes_to_the_default(target):
    assert local_path(target, "/accueil") == "/accueil"

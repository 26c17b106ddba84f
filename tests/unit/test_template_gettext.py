"""Constant gettext calls translated when a page template compiles
(app.web.templating.page_environments): a page renders exactly as it did with every
call made at render time, in each language."""

from __future__ import annotations

import pytest
from jinja2 import DictLoader

from app.core.i18n import LANGUAGES, current_language
from app.web.templating import make_environment, page_environments

SOURCES = {
    "constant.html": '<p>{{ _("Mes candidatures") }}</p>',
    "gettext.html": '<p>{{ gettext("Mes candidatures") }}</p>',
    "percent.html": "<p>{{ _('100 %% en ligne') }}</p>",
    "markup.html": "<p>{{ _('A < B & C') }}</p>",
    "expression.html": '<p>{{ _("Mes candidatures") ~ name }}|{{ name|default(_("Mes candidatures")) }}</p>',
    "variables.html": '<p>{{ _("Bonjour %(name)s", name=name) }}</p>',
    "translated_variables.html": (
        '<p>{{ _("Du %(start)s au %(end)s", start=name, end=n) }}</p>'
        '<p>{{ _("Voir ma candidature") ~ _("pour « %(query)s ».", query=name) }}</p>'
    ),
    "variable_message.html": "<p>{{ _(message) }}</p>",
    "missing_variable.html": '<p>{{ _("Bonjour %(name)s") }}</p>',
    "plural.html": '<p>{{ ngettext("%(num)d ligne saisie", "%(num)d lignes saisies", n) }}</p>',
    "macro.html": '{% macro title() %}{{ _("Mes candidatures") }}{% endmacro %}<h1>{{ title() }}</h1>',
    "unescaped.txt": "{{ _('A < B & C') }}",
}
CONTEXT = {"name": "<b>Zoé</b>", "message": "Mes candidatures", "n": 3}


def render(environment, name: str, language: str) -> str:
    environment.loader = DictLoader(SOURCES)
    token = current_language.set(language)
    try:
        return environment.get_template(name).render(CONTEXT)
    finally:
        current_language.reset(token)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(set(SOURCES) - {"missing_variable.html"}))
def test_a_template_renders_as_with_gettext_at_render_time(name, language):
    folded = page_environments()[language]
    assert render(folded, name, language) == render(make_environment(), name, language)


@pytest.mark.parametrize(
    ("name", "translation"),
    [("constant.html", "My applications"), ("translated_variables.html", "From %(start)s to")],
)
def test_constants_are_translated_in_the_compiled_code(name, translation):
    english = page_environments()["en"]
    code = english.compile(SOURCES[name], raw=True)
    assert translation in code
    assert "gettext" not in code


@pytest.mark.parametrize(
    ("name", "french", "english"),
    [
        ("constant.html", "<p>Mes candidatures</p>", "<p>My applications</p>"),
        ("percent.html", "<p>100 % en ligne</p>", "<p>100 % en ligne</p>"),
        ("markup.html", "<p>A < B & C</p>", "<p>A < B & C</p>"),
        ("variables.html", "<p>Bonjour &lt;b&gt;Zoé&lt;/b&gt;</p>", None),
        (
            "translated_variables.html",
            "<p>Du &lt;b&gt;Zoé&lt;/b&gt; au 3</p><p>Voir ma candidaturepour « &lt;b&gt;Zoé&lt;/b&gt; ».</p>",
            "<p>From &lt;b&gt;Zoé&lt;/b&gt; to 3</p><p>View my applicationfor “&lt;b&gt;Zoé&lt;/b&gt;”.</p>",
        ),
        ("plural.html", "<p>3 lignes saisies</p>", None),
    ],
)
def test_the_rendered_text(name, french, english):
    environments = page_environments()
    assert render(environments["fr"], name, "fr") == french
    if english:
        assert render(environments["en"], name, "en") == english


def test_a_constant_missing_its_variable_still_fails_at_render_time():
    environment = page_environments()["fr"]
    with pytest.raises(KeyError):
        render(environment, "missing_variable.html", "fr")

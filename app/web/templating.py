"""The Jinja environment shared by pages (and by mail rendering for layouts).

Pages get one environment per language (:func:`page_environments`): each translates
the constant ``_("…")`` / ``gettext("…")`` calls of a template when it compiles it,
so a rendered page holds them as text instead of calling gettext on every render
(about a third of a page's CPU before, issue 13); a constant with keyword variables
is translated then too, and formatted at render time. Calls with a variable message
stay runtime calls, and ``make messages`` extracts from the same template sources.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    TemplateNotFound,
    nodes,
    pass_context,
    select_autoescape,
)
from jinja2.visitor import NodeTransformer
from litestar.enums import MediaType
from litestar.exceptions import TemplateNotFoundException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template as LitestarTemplate

from app.core.dates import date_time, long_date, short_date
from app.core.i18n import LANGUAGES, current_language, gettext, ngettext, translations_for
from app.settings import PROJECT_ROOT, get_settings

TEMPLATE_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"
GETTEXT_NAMES = ("_", "gettext")


def static_version(path: str) -> str:
    """Cache-busting query from the file's modification time."""
    file = STATIC_DIR / path
    stamp = int(file.stat().st_mtime) if file.exists() else 0
    return f"/static/{path}?v={stamp}"


class _ConstantGettext(NodeTransformer):
    """Replaces ``_("constant")`` by its translation, as Jinja's newstyle gettext
    would render it: the text formatted with no variables (``%%`` becomes ``%``),
    marked safe when autoescaping. ``_("constant %(name)s", name=value)`` becomes the
    translation formatted with its variables at render time (``Markup % {…}`` escapes
    them, as newstyle gettext does). Anything else is left to run at render time."""

    def __init__(self, language: str) -> None:
        self.translations = translations_for(language)

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if not (
            isinstance(node.node, nodes.Name)
            and node.node.name in GETTEXT_NAMES
            and len(node.args) == 1
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
            and node.dyn_args is None
            and node.dyn_kwargs is None
        ):
            return node
        text = self.translations.gettext(node.args[0].value)
        if node.kwargs:
            variables = [
                nodes.Pair(nodes.Const(kwarg.key), kwarg.value, lineno=node.lineno)
                for kwarg in node.kwargs
            ]
            return nodes.Mod(
                nodes.MarkSafeIfAutoescape(nodes.Const(text), lineno=node.lineno),
                nodes.Dict(variables, lineno=node.lineno),
                lineno=node.lineno,
            )
        try:
            text = text % {}
        except (KeyError, TypeError, ValueError):
            return node  # a placeholder without its variable: fails at render time, as before
        return nodes.MarkSafeIfAutoescape(nodes.Const(text), lineno=node.lineno)


class PageEnvironment(Environment):
    """Jinja's environment, with each template's globals the environment's own dict.

    Jinja wraps them in a ``ChainMap`` per template (so that globals given to one
    ``get_template`` call stay that template's). Pages pass none, and the ChainMap was
    walked in Python at every render (the context copies it) and at every ``{% from
    %}`` (a set difference with its keys): a fifth of the dossier page's rendering in
    issue 13's profile. Templates never assign globals; Litestar's callables go into the
    environment's dict, which every template then sees."""

    def make_globals(self, d):
        return super().make_globals(d) if d else self.globals


class LanguageEnvironment(PageEnvironment):
    """An environment whose templates are compiled for one language."""

    def __init__(self, language: str, **options: Any) -> None:
        super().__init__(**options)
        self.language = language

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _ConstantGettext(self.language).visit(super()._parse(source, name, filename))


def make_environment(
    template_dir: Path = TEMPLATE_DIR, language: str | None = None, *, auto_reload: bool = True
) -> Environment:
    """With ``language``, constant gettext calls are translated at compile time (the
    environment then serves that language only); without, every call runs at render.
    Without ``auto_reload``, templates and static file versions are read once."""
    options: dict[str, Any] = dict(
        loader=FileSystemLoader(template_dir),
        auto_reload=auto_reload,
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env = LanguageEnvironment(language, **options) if language else PageEnvironment(**options)
    env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=True)
    env.filters.update(short_date=short_date, long_date=long_date, date_time=date_time)
    # Only what pages need (app.asgi adds the features' globals, such as signed_in):
    # never the settings object, which holds the secret key and
    # the SMTP password.
    env.globals.update(
        static=static_version if auto_reload else cache(static_version),
        current_language=current_language.get,
        max_upload_bytes=get_settings().max_upload_bytes,
    )
    return env


def page_environments(template_dir: Path = TEMPLATE_DIR) -> dict[str, Environment]:
    reload = get_settings().templates_auto_reload
    return {
        language: make_environment(template_dir, language, auto_reload=reload)
        for language in LANGUAGES
    }


class LanguageTemplateEngine(JinjaTemplateEngine):
    """Litestar's Jinja engine, serving each request from its language's environment.
    ``engine`` is the default language's (what Litestar and tests read); callables
    Litestar registers go to every environment."""

    def __init__(self, environments: dict[str, Environment], default: str) -> None:
        self.environments = environments
        super().__init__(engine_instance=environments[default])

    def get_template(self, template_name: str):
        environment = self.environments.get(current_language.get(), self.engine)
        try:
            return environment.get_template(template_name)
        except TemplateNotFound as exc:
            raise TemplateNotFoundException(template_name=template_name) from exc

    def register_template_callable(self, key: str, template_callable) -> None:
        for environment in self.environments.values():
            environment.globals[key] = pass_context(template_callable)


class Template(LitestarTemplate):
    """Litestar's template response, HTML unless told otherwise. Without a media type,
    Litestar guesses one from the template's name on every response (``pathlib`` and
    ``mimetypes``: about a seventh of an empty page's rendering, issue 13); every
    template of the portal is HTML. Routes import this one (a ruff rule says so)."""

    def __init__(
        self, template_name: str | None = None, *, media_type: str = MediaType.HTML, **kwargs: Any
    ) -> None:
        super().__init__(template_name, media_type=media_type, **kwargs)

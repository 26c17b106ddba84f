"""Checking a mail template before it is saved (issue 8, defect 7).

Staff edit templates in the admin; a template that cannot render would fail every mail
of its code. Each part (subject, HTML body, text body) is compiled by the sandbox that
renders mails, its variables are compared with those its mail provides
(:func:`app.mail.default_templates.provided_variables`), and it is rendered once with
stand-in values, so that what the sandbox forbids (``__class__``...) is found now.
Each problem comes with the line it is on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from jinja2 import TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SecurityError

from app.core.codes.mail import MailCode
from app.mail.default_templates import provided_variables
from app.mail.outbox import mail_environment, template_line


@dataclass(frozen=True)
class TemplateProblem:
    """Why one part of a template cannot be saved; ``message`` is French, for staff."""

    part: str  # "subject", "body_html" or "body_text"
    line: int | None
    message: str


def check_part(source: str, *, code: MailCode, part: str, html: bool) -> TemplateProblem | None:
    """The first problem of one part of a template of ``code``, or None."""
    environment = mail_environment(html=html)
    try:
        # Compiling finds unknown filters and tests too, which parsing alone lets pass.
        tree = environment.parse(source)
        compiled = environment.from_string(source)
    except TemplateSyntaxError as error:
        return TemplateProblem(part, error.lineno, f"erreur de syntaxe ({error.message})")
    allowed = provided_variables(code)
    unknown = meta.find_undeclared_variables(tree) - allowed
    if unknown:
        name, line = _first_use(tree, unknown)
        return TemplateProblem(
            part,
            line,
            f"la variable « {name} » n'est pas fournie à ce courriel "
            f"(variables disponibles : {', '.join(sorted(allowed))})",
        )
    try:
        compiled.render({name: name for name in allowed})
    except SecurityError as error:
        return TemplateProblem(part, template_line(error), f"opération interdite ({error})")
    except TemplateError as error:
        return TemplateProblem(part, template_line(error), f"erreur au rendu ({error})")
    except Exception:
        # Stand-in values are strings: "{{ rank + 1 }}" fails here and works for real.
        # Such a template is kept; if it still fails when sending, the mail is marked
        # failed in the outbox (app.mail.outbox.queue_mail).
        pass
    return None


def check_template(
    *, code: MailCode, subject: str, body_html: str, body_text: str
) -> TemplateProblem | None:
    """The first problem of a template of ``code``, or None if it may be saved."""
    parts: Iterable[tuple[str, str, bool]] = (
        ("subject", subject, False),
        ("body_html", body_html, True),
        ("body_text", body_text, False),
    )
    for part, source, html in parts:
        problem = check_part(source or "", code=code, part=part, html=html)
        if problem is not None:
            return problem
    return None


def _first_use(tree: nodes.Template, names: set[str]) -> tuple[str, int | None]:
    uses = sorted(
        (node.lineno, node.name)
        for node in tree.find_all(nodes.Name)
        if node.ctx == "load" and node.name in names
    )
    if not uses:
        return sorted(names)[0], None
    line, name = uses[0]
    return name, line

"""How a shipped mail template is declared: its subjects, and the variables its caller
provides, documented for staff as "name : what it is" lines."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from app.core.codes.mail import MailCode

# Given by queue_mail to every template, whatever the caller passes.
COMMON_VARIABLES = "base_url : adresse publique du portail, sans « / » final (toujours fournie)."


@dataclass(frozen=True)
class DefaultTemplate:
    code: MailCode
    subjects: Mapping[str, str]
    """Subject per language; a language listed here must have its HTML body file."""
    variables: str
    """The variables the caller provides, one per line, as shown to staff."""


# "name : what it is" or "a, b : what they are", at the start of a line or after ". "
# or "; " (several entries share a line); "(lien : ...)" inside a description is not one.
_DOCUMENTED_NAMES = re.compile(r"(?:^|(?<=\. )|(?<=; ))([a-z_]+(?:, [a-z_]+)*) : ", re.MULTILINE)


def documented_names(variables: str) -> frozenset[str]:
    """The variable names a documentation text such as :attr:`DefaultTemplate.variables`
    lists."""
    return frozenset(
        name
        for match in _DOCUMENTED_NAMES.finditer(variables)
        for name in match.group(1).split(", ")
    )

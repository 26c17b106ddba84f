"""The exception every domain raises when one of its rules refuses a change: nothing
was written, and ``reason`` (a member of the domain's refusal enum) says why, for the
page or the form to word it."""

from __future__ import annotations

from enum import StrEnum
from typing import Generic, TypeVar

Reason = TypeVar("Reason", bound=StrEnum)


class Refused(Exception, Generic[Reason]):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason: Reason = reason

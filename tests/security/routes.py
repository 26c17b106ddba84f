"""The portal's route table as the security suite walks it: every path and method of
``create_app().routes``, the static files and the admin mount set apart (the admin has
tests of its own), and the path parameters filled in. No test lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from litestar import Litestar
from litestar.routes import HTTPRoute

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# Answered by Litestar itself for every route (not handlers of ours).
AUTOMATIC_METHODS = ("OPTIONS", "HEAD")
SET_APART = ("/static", "/admin")

_PARAMETER = re.compile(r"\{(\w+):(\w+)\}")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # as Litestar declares it: /candidatures/{application_id:int}

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def parameters(self) -> dict[str, str]:
        """name → type of each path parameter."""
        return dict(_PARAMETER.findall(self.path))

    def url(self, values: dict[str, object]) -> str:
        return _PARAMETER.sub(lambda m: str(values[m[1]]), self.path)

    def __str__(self) -> str:
        return self.key


def _set_apart(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in SET_APART)


def endpoints(app: Litestar, *, methods: tuple[str, ...] | None = None) -> list[Endpoint]:
    """Every (method, path) the portal answers, sorted; automatic methods left out."""
    found = set()
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or _set_apart(route.path):
            continue
        for method in route.methods:
            if method in AUTOMATIC_METHODS or (methods and method not in methods):
                continue
            found.add(Endpoint(method, route.path))
    return sorted(found, key=lambda e: (e.path, e.method))


def unsafe_endpoints(app: Litestar) -> list[Endpoint]:
    return endpoints(app, methods=UNSAFE_METHODS)

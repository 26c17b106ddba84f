"""The import-linter contract "Domain never imports the web layer" names its modules one
by one (import-linter cannot match "every module but the routes"): a new module would
be checked by nothing. Each module of ``app`` is therefore either domain (a source of the
contract), web (forbidden to the domain), or named below as presentation or assembly,
which may import both. A module in none of them fails here until it is placed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# May import the web layer: pages, routes, the admin's screens, the assembly.
PRESENTATION_PACKAGES = ("app.application_pages", "app.backoffice", "app.demo")
PRESENTATION_MODULES = {
    "app",
    "app.asgi",
    "app.cli",
    "app.devserver",
    "app.accounts",
    "app.accounts.dev_cas",
    "app.catalog",
    "app.documents",
    "app.dossier",
    "app.mail",
    "app.messages",
    "app.ops",
    "app.ops.health",
    "app.ops.http_metrics",
    "app.ops.metrics",
    "app.review",
    "app.review.application_page",
    "app.review.application_pieces",
    "app.review.application_responses",
    "app.review.dossier_zip",
    "app.review.home_page",
}


def _domain_contract() -> dict:
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in contracts["contracts"] if c["name"].startswith("Domain never")]
    return contract


def _modules() -> set[str]:
    modules = set()
    for path in (ROOT / "app").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return modules


def _under(module: str, names) -> bool:
    return any(module == name or module.startswith(f"{name}.") for name in names)


def test_every_module_is_domain_web_or_named_presentation():
    contract = _domain_contract()
    placed = [*contract["source_modules"], *contract["forbidden_modules"]]
    unplaced = {
        module
        for module in _modules()
        if not _under(module, placed)
        and not _under(module, PRESENTATION_PACKAGES)
        and module not in PRESENTATION_MODULES
        and "routes" not in module.rsplit(".", 1)[-1]
    }
    assert unplaced == set(), "add each to the contract's source_modules, or to this test"


def test_no_module_is_both_domain_and_presentation():
    sources = _domain_contract()["source_modules"]
    assert {m for m in PRESENTATION_MODULES if _under(m, sources)} == set()

"""Settings: embedded defaults in dev, refusal of insecure defaults in production."""

from __future__ import annotations

import pytest

from app.asgi import create_app
from app.settings import load_settings


def test_dev_defaults_work_on_one_machine(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "SECRET_KEY", "BASE_URL", "SMTP_HOST", "SMTP_PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENV", "dev")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'ecesure.db'}"
    assert settings.smtp_host == "127.0.0.1" and settings.smtp_port == 8025
    assert settings.timezone == "Europe/Paris" and settings.default_language == "fr"
    assert len(settings.secret_key) >= 32
    # generated once, then kept
    assert (tmp_path / "secret_key").read_text() == settings.secret_key
    assert load_settings().secret_key == settings.secret_key


def test_production_refuses_insecure_defaults_and_names_them(monkeypatch, tmp_path):
    for name in (
        "DATABASE_URL",
        "SECRET_KEY",
        "BASE_URL",
        "SMTP_HOST",
        "SMTP_PORT",
        "ADMIN_ALLOWED_HOSTS",
        "CAS_SERVER_URL",
        "STUDENT_RECORDS",
        "MAIL_FROM",
        "PRIVACY_CONTACT",
        "PRIVACY_CONTACT_EMAIL",
        "ACCESSIBILITY_CONTACT_EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ENV", "prod")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.problems_for_production() == [
        "SECRET_KEY must be set (at least 32 characters)",
        "DATABASE_URL must point to PostgreSQL, not SQLite",
        "BASE_URL must start with https://",
        "SMTP_HOST/SMTP_PORT still point to the dev mail sink",
        "ADMIN_ALLOWED_HOSTS must list the public host name(s)",
        "CAS_SERVER_URL must be set (the development CAS server is dev-only)",
        "STUDENT_RECORDS must name the university's adapter, not demo",
        "MAIL_FROM, PRIVACY_CONTACT, PRIVACY_CONTACT_EMAIL, ACCESSIBILITY_CONTACT_EMAIL still"
        " hold the examples: set the university's contacts",
    ]
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app(settings)
    assert not (tmp_path / "secret_key").exists()


def test_production_accepts_a_complete_configuration(monkeypatch, tmp_path):
    monkeypatch.setenv("ENV", "prod")
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://ecesure@db.example/ecesure")
    monkeypatch.setenv("BASE_URL", "https://cesure.example.fr")
    monkeypatch.setenv("SMTP_HOST", "smtp.example.fr")
    monkeypatch.setenv("SMTP_PORT", "587")
    monkeypatch.setenv("ADMIN_ALLOWED_HOSTS", "cesure.example.fr")
    monkeypatch.setenv("CAS_SERVER_URL", "https://cas.example.fr/cas")
    monkeypatch.setenv("STUDENT_RECORDS", "ecesure_univ.records:create")
    monkeypatch.setenv("MAIL_FROM", "eCésure <cesure@univ.example.fr>")
    monkeypatch.setenv("PRIVACY_CONTACT", "DPO, Université, 1 rue X, 31000 TOULOUSE")
    monkeypatch.setenv("PRIVACY_CONTACT_EMAIL", "dpo@univ.example.fr")
    monkeypatch.setenv("ACCESSIBILITY_CONTACT_EMAIL", "accessibilite@univ.example.fr")
    assert load_settings().problems_for_production() == []


def test_unknown_env_value_is_refused(monkeypatch):
    monkeypatch.setenv("ENV", "staging")
    with pytest.raises(RuntimeError, match="ENV must be 'dev' or 'prod'"):
        load_settings()


@pytest.mark.parametrize(("value", "seconds"), [("", 5), ("2", 2), ("30", 30)])
def test_the_jobs_page_refreshes_every_few_seconds(monkeypatch, value, seconds):
    monkeypatch.setenv("JOBS_REFRESH_SECONDS", value)
    assert load_settings().jobs_refresh_seconds == seconds


@pytest.mark.parametrize("value", ["1", "0", "-5"])
def test_a_jobs_page_refreshing_faster_than_every_two_seconds_is_refused(monkeypatch, value):
    monkeypatch.setenv("JOBS_REFRESH_SECONDS", value)
    with pytest.raises(RuntimeError, match=f"JOBS_REFRESH_SECONDS must be 2 or more, not {value}"):
        load_settings()


async def test_offer_is_cached_for_the_configured_delay(monkeypatch, settings_override):
    from app.catalog import offer as offer_module

    calls = []

    async def counting_load_offer():
        calls.append(1)
        return offer_module.Offer(campaign=None, centres=[])

    settings_override(OFFER_CACHE_SECONDS=60)
    monkeypatch.setattr(offer_module, "load_offer", counting_load_offer)
    offer_module.forget_cached_offer()
    await offer_module.cached_offer()
    await offer_module.cached_offer()
    assert len(calls) == 1
    offer_module.forget_cached_offer()
    await offer_module.cached_offer()
    assert len(calls) == 2

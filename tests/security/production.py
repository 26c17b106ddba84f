"""A production configuration for tests: what ``ENV=prod`` demands, filled with
placeholders (see ``Settings.problems_for_production``). Only ``create_app`` reads it:
the database, Redis and files stay the test ones. No test lives here.
"""

from __future__ import annotations

import dataclasses

from app.settings import Settings, get_settings

PRODUCTION_BASE_URL = "https://testserver.local"  # Secure cookies travel over https only


def production_settings() -> Settings:
    settings = dataclasses.replace(
        get_settings(),
        env="prod",
        secret_key="production-secret-key-for-tests-" + "x" * 16,
        secret_key_is_default=False,
        database_url="postgres://ecesure@db.example/ecesure",
        base_url=PRODUCTION_BASE_URL,
        smtp_host="smtp.example.fr",
        smtp_port=587,
        admin_allowed_hosts=("testserver.local",),
        cas_server_url="https://cas.example.fr/cas",
        student_records="ecesure_univ.records:create",
        mail_from="eCésure <cesure@univ.example.fr>",
        privacy_contact="DPO, Université, 1 rue X, 31000 TOULOUSE",
        privacy_contact_email="dpo@univ.example.fr",
        accessibility_contact_email="accessibilite@univ.example.fr",
    )
    assert settings.problems_for_production() == []
    return settings

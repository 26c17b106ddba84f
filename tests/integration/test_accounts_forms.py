"""Sign-up form: each password rule and each field error has its own message."""

from __future__ import annotations

import pytest

from app.accounts.passwords import password_problems
from app.tables.accounts import CandidateAccount
from tests.factories import make_campaign
from tests.fixtures.web import post_form

GOOD = {
    "last_name": "Martin",
    "first_name": "Zoé",
    "email": "zoe.martin@example.fr",
    "email_confirm": "zoe.martin@example.fr",
    "password": "Bonjour-2026",
    "password_confirm": "Bonjour-2026",
}

PASSWORD_RULES = [
    ("Court-1a", ["Le mot de passe doit contenir au moins 10 caractères."]),
    ("SANSMINUSCULE-1", ["Le mot de passe doit contenir au moins une lettre minuscule."]),
    ("sansmajuscule-1", ["Le mot de passe doit contenir au moins une lettre majuscule."]),
    ("Sans-Chiffre-x", ["Le mot de passe doit contenir au moins un chiffre."]),
    (
        "SansSpecial12",
        ["Le mot de passe doit contenir au moins un caractère spécial (@ # $ % ^ & + = - ! *)."],
    ),
    ("Avec Espace-12", ["Le mot de passe ne doit pas contenir d'espace."]),
    (
        "court",
        [
            "Le mot de passe doit contenir au moins 10 caractères.",
            "Le mot de passe doit contenir au moins une lettre majuscule.",
            "Le mot de passe doit contenir au moins un chiffre.",
            "Le mot de passe doit contenir au moins un caractère spécial (@ # $ % ^ & + = - ! *).",
        ],
    ),
    ("Bonjour-2026", []),
    *[(f"Bonjour{c}2026", []) for c in "@#$%^&+=-!*"],
]


@pytest.mark.parametrize(("password", "problems"), PASSWORD_RULES)
def test_password_rules(password, problems):
    assert password_problems(password) == problems


FIELD_ERRORS = [
    ({"last_name": ""}, "last_name", "Le nom est obligatoire."),
    ({"last_name": "   "}, "last_name", "Le nom est obligatoire."),
    ({"first_name": ""}, "first_name", "Le prénom est obligatoire."),
    ({"email": "", "email_confirm": ""}, "email", "L'adresse mail est obligatoire."),
    (
        {"email": "zoe@", "email_confirm": "zoe@"},
        "email",
        "L'adresse mail n'est pas valide (exemple : prenom.nom@exemple.fr).",
    ),
    ({"email_confirm": ""}, "email_confirm", "La confirmation de l'adresse mail est obligatoire."),
    (
        {"email_confirm": "autre@example.fr"},
        "email_confirm",
        "Les deux adresses mail ne sont pas identiques.",
    ),
    ({"password": "", "password_confirm": ""}, "password", "Le mot de passe est obligatoire."),
    (
        {"password_confirm": ""},
        "password_confirm",
        "La confirmation du mot de passe est obligatoire.",
    ),
    (
        {"password_confirm": "Bonjour-2027"},
        "password_confirm",
        "Les deux mots de passe ne sont pas identiques.",
    ),
    (
        {"password": "bonjour-2026", "password_confirm": "bonjour-2026"},
        "password",
        "Le mot de passe doit contenir au moins une lettre majuscule.",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), FIELD_ERRORS)
async def test_each_field_error_is_shown_and_typed_values_are_kept(client, changes, field, message):
    await make_campaign(active=True)
    data = {**GOOD, **changes}
    response = await post_form(client, "/compte/creer", data)
    assert response.status_code == 200
    html = response.text
    assert f'<li><a href="#{field}">{message}</a></li>' in html.replace("&#39;", "'")
    assert f'id="{field}-erreur"' in html
    assert 'aria-invalid="true"' in html
    for kept in ("last_name", "first_name"):
        if data[kept].strip():
            assert f'value="{data[kept]}"' in html
    assert "Bonjour-2026" not in html  # passwords are never sent back
    assert await CandidateAccount.count() == 0


async def test_english_messages_when_the_user_chose_english(client):
    await make_campaign(active=True)
    await post_form(client, "/langue", {"language": "en", "next": "/compte/creer"})
    response = await post_form(client, "/compte/creer", {**GOOD, "first_name": ""})
    assert "The first name is required." in response.text

"""Validation of the account forms: one message per problem, naming the field."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from app.accounts.passwords import password_problems
from app.core.i18n import gettext as _
from app.web.forms import Form

NAME_MAX = 100


def clean_email(form: Form, name: str, label_required: str) -> str:
    """The address, normalised, or "" with a message on the field."""
    raw = form.require(name, label_required)
    if not raw.strip():
        return ""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        form.add_error(
            name, _("L'adresse mail n'est pas valide (exemple : prenom.nom@exemple.fr).")
        )
        return ""


def check_new_password(form: Form, name: str = "password", confirm: str = "password_confirm"):
    password = form.require(name, _("Le mot de passe est obligatoire."))
    if password:
        for problem in password_problems(password):
            form.add_error(name, problem)
    confirmation = form.require(confirm, _("La confirmation du mot de passe est obligatoire."))
    if password and confirmation and password != confirmation:
        form.add_error(confirm, _("Les deux mots de passe ne sont pas identiques."))
    return password


def validate_signup(form: Form) -> None:
    last_name = form.require("last_name", _("Le nom est obligatoire."))
    if len(last_name.strip()) > NAME_MAX:
        form.add_error("last_name", _("Le nom ne doit pas dépasser 100 caractères."))
    first_name = form.require("first_name", _("Le prénom est obligatoire."))
    if len(first_name.strip()) > NAME_MAX:
        form.add_error("first_name", _("Le prénom ne doit pas dépasser 100 caractères."))
    email = clean_email(form, "email", _("L'adresse mail est obligatoire."))
    confirm = form.require("email_confirm", _("La confirmation de l'adresse mail est obligatoire."))
    typed = form.values.get("email", "").strip().lower()
    if email and confirm.strip() and confirm.strip().lower() != typed:
        form.add_error("email_confirm", _("Les deux adresses mail ne sont pas identiques."))
    check_new_password(form)
    if email:
        form.values["email"] = email

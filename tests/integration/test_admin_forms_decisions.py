"""Issue 10, item 3: the admin's decision forms (enter, validate, validate all of a
programme), through piccolo-admin's API as its page sends them."""

from __future__ import annotations

import asyncio

from app.applications.queries import application_view
from app.core.codes.applications import Verdict
from app.core.codes.mail import MailCode
from app.tables.applications import Decision
from tests import admin_forms
from tests.admin_forms import (
    by_admin,
    done,
    events,
    post,
    queued_mails,
    refused,
)
from tests.factories_dossier import (
    decide,
    make_decision_type,
    make_open_programme,
    make_received_application,
    make_refusal_reason,
)

# The fixtures the admin form tests share.
admin = admin_forms.admin


# --- decisions --------------------------------------------------------------------------


async def test_entering_then_validating_a_decision(admin, campaign):
    account, app_id = await make_received_application(campaign)
    favourable = await make_decision_type(Verdict.FAVOURABLE, label_fr="Avis favorable")
    payload = {"application_id": app_id, "decision_type": favourable.code, "comment": "Bien"}

    text = await done(admin, "saisir-decision", payload)

    assert text.endswith(
        ": décision aucune → « Avis favorable » (favorable), saisie sans être validée : le "
        "candidat ne la voit qu'une fois validée."
    )
    [decision] = await Decision.select().where(Decision.application == app_id)
    assert (decision["validated"], decision["entered_by"]) == (False, admin.user_id)
    assert by_admin((await events("decision_entered"))[0], admin)

    text = await done(admin, "valider-decision", {"application_id": app_id})

    assert text.endswith(
        ": décision « Avis favorable » saisie → validée. Le candidat la voit et la reçoit par mail."
    )
    assert by_admin((await events("decision_validated"))[0], admin)
    [mail] = await queued_mails(MailCode.DECISION_FA)
    assert mail["to_address"] == account.email
    assert await refused(admin, "valider-decision", {"application_id": app_id}) == (
        "Décision : la décision « Avis favorable » est déjà validée."
    )
    assert len(await queued_mails(MailCode.DECISION_FA)) == 1


async def test_decision_input_is_checked_with_the_field_named(admin, campaign):
    _, app_id = await make_received_application(campaign)
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    reason = await make_refusal_reason()
    base = {"application_id": app_id, "decision_type": favourable.code}
    assert await refused(admin, "saisir-decision", {**base, "decision_type": "NOPE"}) == (
        "Type de décision : aucun type de décision actif de code « NOPE »."
    )
    assert await refused(admin, "saisir-decision", {**base, "refusal_reason": reason.code}) == (
        "Motif de refus : il ne s'indique que pour une décision défavorable."
    )
    assert await refused(admin, "saisir-decision", {**base, "rank": 2}) == (
        "Rang : il ne s'indique que pour une liste complémentaire."
    )
    assert await refused(admin, "valider-decision", {"application_id": app_id}) == (
        "Décision : aucune décision n'a été saisie pour cette candidature."
    )
    assert await Decision.count() == 0


async def test_validating_all_decisions_of_a_programme(admin, campaign):
    programme = await make_open_programme(campaign)
    favourable = await make_decision_type(Verdict.FAVOURABLE)
    unfavourable = await make_decision_type(Verdict.UNFAVOURABLE)
    first, first_id = await make_received_application(campaign, programme)
    second, second_id = await make_received_application(campaign, programme)
    _, done_id = await make_received_application(campaign, programme)
    await decide(first_id, favourable, validate=False)
    await decide(second_id, unfavourable, validate=False)
    await decide(done_id, favourable)  # already validated: left alone
    payload = {"programme_id": programme.id, "confirm": True}

    assert await refused(admin, "valider-decisions-formation", {**payload, "confirm": False}) == (
        "Je confirme : cochez la case pour valider les décisions."
    )
    text = await done(admin, "valider-decisions-formation", payload)

    assert text == (
        f"Formation « {programme.label} » : 2 décision(s) saisie(s) → validée(s), chaque "
        f"candidat prévenu par mail (candidatures n° {first_id}, {second_id})."
    )
    validated = await events("decision_validated")
    # the first one is the validation made before, by decide()
    assert [e["application_id"] for e in validated[1:]] == [first_id, second_id]
    assert all(by_admin(e, admin) for e in validated[1:])
    assert [m["to_address"] for m in await queued_mails(MailCode.DECISION_FA)] == [
        # the one validated before, then the form's
        (await application_view(done_id)).email,
        first.email,
    ]
    assert [m["to_address"] for m in await queued_mails(MailCode.DECISION_DE)] == [second.email]
    assert await refused(admin, "valider-decisions-formation", payload) == (
        f"Formation « {programme.label} » : aucune décision saisie à valider."
    )
    assert await refused(
        admin, "valider-decisions-formation", {**payload, "programme_id": 999999}
    ) == ("Formation : aucune formation n° 999999.")


async def test_two_validations_at_once_validate_once(admin, campaign):
    """Two staff members (or a double click) validating the same decision: one wins, the
    other is told the dossier changed; one audit event, one mail."""
    _, app_id = await make_received_application(campaign)
    await decide(app_id, await make_decision_type(Verdict.FAVOURABLE), validate=False)

    answers = await asyncio.gather(
        *(post(admin, "valider-decision", {"application_id": app_id}) for _ in range(2))
    )

    assert sorted(r.status_code for r in answers) == [200, 422]
    [loser] = [r.json() for r in answers if r.status_code == 422]
    assert loser["custom_form_error"] in {
        "Décision : ce changement n'est pas possible dans l'état actuel du dossier (réessayez).",
        "Décision : la décision « "
        + (await application_view(app_id)).decision.label_fr
        + " » est déjà validée.",
    }
    assert len(await events("decision_validated")) == 1
    assert len(await queued_mails(MailCode.DECISION_FA)) == 1

"""Mail template previews at /staff/modeles-mails (issue 11 item 6): every template
with sample values in French and English, its variables; the HTML part only inside a
sandboxed frame served under a strict policy; administrator and central office only."""

from __future__ import annotations

import pytest

from app.core.codes.mail import MailCode
from app.core.codes.staff import StaffRole
from app.review.routes_mail_templates import FRAME_POLICY
from app.tables.mail import MailTemplate
from tests.factories import make_campaign, make_centre
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.fixtures.web import post_form

BASE = "/staff/modeles-mails"


async def sign_in(client, role, username="bureau", **scopes) -> None:
    await make_staff(role, username=username, **scopes)
    response = await post_form(
        client, "/staff/connexion", {"username": username, "password": STAFF_PASSWORD}
    )
    assert response.status_code == 303


async def test_the_list_links_every_code_in_both_languages(client):
    await sign_in(client, StaffRole.CENTRAL_OFFICE)

    page = await client.get(BASE)

    assert page.status_code == 200
    for code in MailCode:
        assert f'href="{BASE}/{code.value}/fr"' in page.text
        assert f'href="{BASE}/{code.value}/en"' in page.text


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_preview_shows_subject_text_variables_and_frames_the_html(client, language):
    await sign_in(client, StaffRole.TECH_ADMIN)

    page = await client.get(f"{BASE}/decision_lc/{language}")

    assert page.status_code == 200
    subject = "liste complémentaire" if language == "fr" else "complementary list"
    assert subject in page.text
    assert "Camille" in page.text and "Martin" in page.text  # the samples, in the text part
    assert f'<iframe class="mail-frame" sandbox src="{BASE}/decision_lc/{language}/html"' in (
        page.text
    )
    assert "<code>rank</code>" in page.text and "<code>base_url</code>" in page.text
    framed = await client.get(f"{BASE}/decision_lc/{language}/html")
    assert framed.status_code == 200 and framed.headers["content-type"].startswith("text/html")
    assert framed.headers["content-security-policy"] == FRAME_POLICY
    assert "Camille" in framed.text


async def test_the_html_of_an_edited_template_stays_in_its_frame(client):
    await MailTemplate.update(
        {MailTemplate.body_html: "<p>{{ name }}</p><script>alert(1)</script>"}
    ).where((MailTemplate.code == "dev_test") & (MailTemplate.language == "fr"))
    await sign_in(client, StaffRole.CENTRAL_OFFICE)

    page = await client.get(f"{BASE}/dev_test/fr")
    framed = await client.get(f"{BASE}/dev_test/fr/html")

    assert "<script>alert(1)</script>" not in page.text
    assert "<script>alert(1)</script>" in framed.text
    assert "sandbox" in framed.headers["content-security-policy"]
    assert "script-src" not in framed.headers["content-security-policy"]  # default 'none'


async def test_a_template_that_fails_to_render_shows_why(client):
    await MailTemplate.update({MailTemplate.body_html: "{{ name.__class__ }}"}).where(
        (MailTemplate.code == "dev_test") & (MailTemplate.language == "en")
    )
    await sign_in(client, StaffRole.CENTRAL_OFFICE)

    page = await client.get(f"{BASE}/dev_test/en")

    assert page.status_code == 200
    assert "render failed: template dev_test/en" in page.text


async def test_a_missing_language_falls_back_to_french(client):
    await MailTemplate.delete().where(
        (MailTemplate.code == "dev_test") & (MailTemplate.language == "en")
    )
    await sign_in(client, StaffRole.CENTRAL_OFFICE)

    page = await client.get(f"{BASE}/dev_test/en")

    assert page.status_code == 200 and "Message de test eCésure" in page.text


@pytest.mark.parametrize(
    "path", ["nope/fr", "dev_test/de", "DEV_TEST/fr", "dev_test/fr%00", "..%2F/fr"]
)
async def test_unknown_codes_and_languages_are_not_found(client, path):
    await sign_in(client, StaffRole.CENTRAL_OFFICE)
    assert (await client.get(f"{BASE}/{path}")).status_code == 404
    assert (await client.get(f"{BASE}/{path}/html")).status_code == 404


async def test_centre_staff_are_refused(client):
    campaign = await make_campaign()
    centre = await make_centre(campaign)
    await sign_in(client, StaffRole.CENTRE_MANAGER, centres=[centre])

    assert (await client.get(BASE)).status_code == 403
    assert (await client.get(f"{BASE}/dev_test/fr")).status_code == 403
    assert (await client.get(f"{BASE}/dev_test/fr/html")).status_code == 403


async def test_anonymous_visitors_are_sent_to_the_desk_sign_in(client):
    answer = await client.get(f"{BASE}/dev_test/fr")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/staff/connexion?suivant=")

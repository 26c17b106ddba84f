"""The accessibility statement (RGAA): linked from every page's footer with its
compliance status, in French and in English, with the contact from the settings."""

from __future__ import annotations

import re

from tests.integration.test_application_pages import text_of


async def test_every_page_links_the_statement_with_its_compliance_status(client):
    for path in ("/", "/connexion", "/compte/creer", "/nulle-part"):
        html = (await client.get(path, headers={"accept": "text/html"})).text
        footer = html.split('<footer class="site-footer">', 1)[1]
        assert '<a href="/accessibilite">Accessibilité : non conforme</a>' in footer, path


async def test_the_statement_gives_status_contact_and_remedies(client):
    response = await client.get("/accessibilite")
    assert response.status_code == 200
    text = text_of(response.text)
    assert re.findall(r"<h2>(.*?)</h2>", response.text) == [
        "État de conformité",
        "Ce qui est vérifié",
        "Contenus non accessibles connus",
        "Établissement de cette déclaration",
        "Retour d'information et contact",
        "Voies de recours",
    ]
    assert (
        "Le portail eCésure n'est pas encore en conformité avec le référentiel général "
        "d'amélioration de l'accessibilité (RGAA), version 4.1" in text
    )
    assert (
        '<a href="mailto:accessibilite@univ-toulouse.example">'
        "accessibilite@univ-toulouse.example</a>" in response.text
    )
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07." in text


async def test_the_statement_in_english(client):
    response = await client.get("/accessibilite", headers={"accept-language": "en"})
    text = text_of(response.text)
    assert "<h1>Accessibility statement</h1>" in response.text
    assert "The eCésure portal is not yet compliant" in text
    assert "Accessibility: not compliant" in text

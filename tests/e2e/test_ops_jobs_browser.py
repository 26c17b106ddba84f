"""Issue 11's acceptance in Chromium: the jobs dashboard shows a failed job with its
error within one refresh (htmx polling, no page reload), and "Relancer" runs it again.
The worker runs in the test process (burst mode) on the Redis the live server reads.
Without JavaScript the page is a plain page with a "Rafraîchir" link. axe (WCAG 2.1 AA)
finds nothing on the page, with and without results."""

from __future__ import annotations

import re

import pytest
from arq.worker import FailedJobs
from playwright.async_api import Expect

from app.core.codes.staff import StaffRole
from tests.e2e.conftest import JOBS_REFRESH_SECONDS
from tests.e2e.test_review_journey_browser import new_page, wcag_violations
from tests.factories_staff import STAFF_PASSWORD, make_staff
from tests.integration.test_ops_jobs import EXPLODE

expect = Expect()
# one refresh plus a busy machine's slack
expect.set_options(timeout=(JOBS_REFRESH_SECONDS + 10) * 1000)


async def sign_in(page) -> None:
    await page.goto("/ops/jobs")
    await expect(page).to_have_url(re.compile(r"/staff/connexion"))
    await page.get_by_label("Identifiant").fill("bureau")
    await page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page.get_by_role("heading", name="Travaux et courriels", level=1)).to_be_visible()


@pytest.fixture
async def central_office(live_server, redis):
    await make_staff(StaffRole.CENTRAL_OFFICE, username="bureau")


async def test_a_failed_job_appears_within_one_refresh_and_relancer_runs_it(
    browser, live_server, central_office, arq_pool, run_worker
):
    page, problems = await new_page(browser, live_server, javascript=True)
    try:
        await sign_in(page)
        await expect(page.get_by_text("Alerte : aucun worker n'est en vie.")).to_be_visible()
        await expect(
            page.get_by_text(
                f"Cette page se met à jour toute seule toutes les {JOBS_REFRESH_SECONDS} secondes."
            )
        ).to_be_visible()
        assert await wcag_violations(page) == []
        # A marker on the page's window: it survives the refresh only if the page was
        # not reloaded.
        await page.evaluate("window.notReloaded = true")

        await arq_pool.enqueue_job("explode", 42, "Dupont", _job_id="panne")
        with pytest.raises(FailedJobs):
            await run_worker([EXPLODE])

        failed = page.locator("tr.job-failed")
        await expect(failed.locator(".job-error")).to_have_text(
            "ValueError: SMTP refusé pour le compte 42"
        )
        assert await page.evaluate("window.notReloaded") is True
        assert await wcag_violations(page) == []

        await failed.get_by_role("button", name="Relancer").click()
        await expect(page.locator("p.success")).to_have_text("Le travail explode est relancé.")
        queued = await arq_pool.queued_jobs()
        assert [(j.function, j.args) for j in queued] == [("explode", (42, "Dupont"))]
        await expect(page.get_by_role("cell", name="explode", exact=True)).to_have_count(2)

        assert await run_worker([EXPLODE]) == 1
        await expect(page.locator("tr.job-ok")).to_have_count(1)
        await expect(page.locator("tr.job-ok td").nth(2)).to_have_text("Réussi")
        assert problems == []
    finally:
        await page.context.close()


async def test_without_javascript_the_page_refreshes_by_its_link(
    browser, live_server, central_office, arq_pool, run_worker
):
    page, problems = await new_page(browser, live_server, javascript=False)
    try:
        await sign_in(page)
        await arq_pool.enqueue_job("explode", 7, "x", _job_id="panne")
        with pytest.raises(FailedJobs):
            await run_worker([EXPLODE])
        await page.get_by_role("link", name="Rafraîchir").click()
        await expect(page.locator(".job-error")).to_have_text(
            "ValueError: SMTP refusé pour le compte 7"
        )
        await page.get_by_role("button", name="Relancer").click()
        await expect(page.locator("p.success")).to_have_text("Le travail explode est relancé.")
        assert len(await arq_pool.queued_jobs()) == 1
        assert problems == []
    finally:
        await page.context.close()

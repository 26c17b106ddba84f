"""Whether a page fits its window, as the browser lays it out (issue 14): the elements
passing the window's right edge, the boxes that scroll sideways, axe's WCAG 2.1 A and
AA violations; and, on request, a full-page screenshot for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path

from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Page

# Every rule of WCAG 2.1 A and AA, whatever its impact; axe details the violations only
# (the passes' details cost more time than the rules, and nothing reads them).
WCAG_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# Each element whose right edge passes the window's (elements clipped by an ancestor
# with overflow hidden, such as visually-hidden text, count up to that ancestor only);
# the outermost ones are named, which is where the fix goes. A box that scrolls
# sideways (a wide table in its .table-scroll) hides its end too: it is named as well.
MEASURE = """() => {
  const limit = window.innerWidth + 1;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  const selector = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.documentElement; e = e.parentElement) parts.unshift(name(e));
    return parts.join(" > ");
  };
  const right = (el) => {
    let edge = el.getBoundingClientRect().right;
    for (let a = el; a; a = a.parentElement) {
      const overflow = getComputedStyle(a).overflowX;
      if (a !== el && (overflow === "hidden" || overflow === "clip")) {
        edge = Math.min(edge, a.getBoundingClientRect().right);
      }
    }
    return edge;
  };
  const wide = new Set();
  const scrolling = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && right(el) > limit) wide.add(el);
    const overflow = getComputedStyle(el).overflowX;
    if ((overflow === "auto" || overflow === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      scrolling.push(`${selector(el)} (scrolls sideways: ${el.scrollWidth} px in ${el.clientWidth})`);
    }
  }
  const outermost = [...wide].filter((el) => !wide.has(el.parentElement));
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    offenders: outermost.map((el) => `${selector(el)} (right edge ${Math.round(right(el))})`)
      .concat(scrolling),
  };
}"""


async def first_cell_label(page: Page, path: str) -> str:
    """What a phone shows before the first cell of the page's table (its column's name),
    as Chromium computes it."""
    await page.goto(path)
    return await page.evaluate(
        "getComputedStyle(document.querySelector('tbody td'), '::before').content"
    )


class Visit:
    """Measures each page shown and collects what does not fit or, at 1280 px, fails
    axe; saves a screenshot of each in ``folder`` (when given), named after ``size``."""

    def __init__(self, page: Page, size: str, folder: Path | None) -> None:
        self.page, self.size, self.folder = page, size, folder
        self.problems: list[str] = []

    async def goto(self, path: str, name: str = "") -> None:
        await self.page.goto(path)
        await self.check(name or path)

    async def check(self, what: str) -> None:
        found = await self.page.evaluate(MEASURE)
        if found["scrollWidth"] > found["innerWidth"]:
            self.problems.append(f"{what}: page {found['scrollWidth']} px wide")
        self.problems += [f"{what}: {offender}" for offender in found["offenders"]]
        if self.folder is not None:
            file_name = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-") or "accueil"
            await self.page.screenshot(
                path=self.folder / f"{self.size}-{file_name}.png", full_page=True
            )
        if self.size == "1280":
            results = await Axe().run(self.page, options=WCAG_AA)
            self.problems += [
                f"{what}: axe {v['id']} {[n['target'] for n in v['nodes']]}"
                for v in results.response["violations"]
            ]

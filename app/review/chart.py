"""The desk's chart: one horizontal bar per programme, stacked by dossier status.

Drawn on the server as inline SVG (no script, no CDN); this module only computes the
geometry, ``templates/review/_chart.html`` writes the SVG (autoescaped: programme
labels are data). The table under the chart gives the same numbers to everyone who
cannot see it.

Colours: each is at least 4.5:1 against white (the page) and carries white text at
4.5:1 or more; a white gap separates the segments and the legend repeats the order.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.review.counts import STATUSES, Counts

COLOURS = {
    "AT": "#595959",  # grey, 7.0:1
    "RE": "#00518a",  # the site's blue, 8.2:1
    "IN": "#b3001b",  # the site's red, 7.2:1
    "CO": "#1d6b2c",  # the site's green, 6.6:1
}
WIDTH = 760
LABEL_WIDTH = 250  # programme labels, right-aligned against the bars
BARS_X = LABEL_WIDTH + 10
TOTAL_ROOM = 60  # the total, written after each bar
ROW = 30
BAR = 20
LEGEND_Y = 16
BARS_Y = 44
LABEL_CHARS = 34  # longer labels are cut, the full label is in the bar's <title>
CHAR_WIDTH = 8  # an estimate at 14px, enough to place text without measuring it


@dataclass(frozen=True)
class Segment:
    status: str
    colour: str
    x: float
    width: float
    count: int
    show_count: bool  # the number fits inside the segment

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Bar:
    label: str  # cut to fit
    full_label: str
    y: int
    total: int
    total_x: float
    segments: list[Segment]

    @property
    def text_y(self) -> int:
        return self.y + BAR // 2 + 5


@dataclass(frozen=True)
class LegendItem:
    status: str
    label: str
    colour: str
    x: int


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_x: int
    bar_height: int
    legend_y: int
    legend: list[LegendItem]
    bars: list[Bar]


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def _legend(status_labels: dict[str, str]) -> list[LegendItem]:
    items, x = [], 0
    for status in STATUSES:
        label = status_labels[status]
        items.append(LegendItem(status, label, COLOURS[status], x))
        x += 22 + len(label) * CHAR_WIDTH + 24
    return items


def status_chart(counts: Counts, status_labels: dict[str, str]) -> Chart | None:
    """The chart of the programmes that have applications; None when none has."""
    lines = counts.charted
    if not lines:
        return None
    largest = max(line.total for line in lines)
    scale = (WIDTH - BARS_X - TOTAL_ROOM) / largest
    bars = []
    for index, line in enumerate(lines):
        y = BARS_Y + index * ROW
        x = float(BARS_X)
        segments = []
        for status in STATUSES:
            count = line.status[status]
            if not count:
                continue
            width = count * scale
            fits = width >= len(str(count)) * CHAR_WIDTH + 6
            segments.append(Segment(status, COLOURS[status], x, width, count, fits))
            x += width
        bars.append(Bar(_cut(line.label), line.label, y, line.total, x + 6, segments))
    return Chart(
        width=WIDTH,
        height=BARS_Y + len(lines) * ROW + 6,
        label_x=LABEL_WIDTH,
        bar_height=BAR,
        legend_y=LEGEND_Y,
        legend=_legend(status_labels),
        bars=bars,
    )

"""Summarise py-spy's raw collapsed stacks (``py-spy record --format raw``): where the
samples go, by request handler and by function.

Not a test: ``.venv/bin/python bench/profile_summary.py /tmp/steps/web.txt [--top 25]
[--under upload_piece]``. Each stack is put in one bucket: the first frame of the
portal's code under Litestar's route (``HTTPRoute.handle``), which names the handler or
the guard or dependency running; else the Litestar or uvicorn frame under the route
(parsing the request, rendering the response), the middleware, or the thread's own name
(argon2 and file writes run in worker threads). Then the functions most often on the
stack (inclusive) and at its top (self), over every sample or only those whose stack
holds ``--under``.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

LINE = re.compile(r"^(?P<stack>.*) (?P<count>\d+)$")


def frames(stack: str) -> list[str]:
    """The frames, outermost first, without the leading "thread (id): name" part."""
    parts = stack.split(";")
    if parts and parts[0].startswith("thread ("):
        name = parts[0].partition("): ")[2].strip()
        parts[0] = f"thread {name or 'unnamed'}"
    return parts


def short(frame: str) -> str:
    """``name (path/to/file.py:12)`` → ``name (file.py)``: the line numbers apart."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.rsplit(':', 1)[0]})" if where else name


def bucket(parts: list[str]) -> str:
    try:
        route = next(i for i, f in enumerate(parts) if f.startswith("HTTPRoute.handle "))
    except StopIteration:
        for frame in reversed(parts):
            if "app/" in frame or "middleware" in frame:
                return "outside the route: " + short(frame)
        return parts[0] if parts else "?"
    under = parts[route + 1 :]
    for frame in under:
        if "(app/" in frame:
            return short(frame)
    if not under:
        return "litestar: " + short(parts[route])
    return "litestar: " + short(under[min(len(under) - 1, 3)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--under", help="only the stacks holding this text")
    args = parser.parse_args()
    buckets: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in args.raw.read_text().splitlines():
        match = LINE.match(line)
        if not match:
            continue
        if args.under and args.under not in match["stack"]:
            continue
        count, parts = int(match["count"]), frames(match["stack"])
        total += count
        buckets[bucket(parts)] += count
        for name in {short(f) for f in parts}:
            inclusive[name] += count
        if parts:
            own[short(parts[-1])] += count
    print(f"{total} samples" + (f" under {args.under!r}" if args.under else ""))
    for title, counter in (("bucket", buckets), ("inclusive", inclusive), ("self", own)):
        print(f"--- by {title}")
        for name, count in counter.most_common(args.top):
            print(f"{count / total:6.1%}  {name[:150]}")


if __name__ == "__main__":
    main()

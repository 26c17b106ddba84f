"""Issue 13, target 8 (deadline day): a web process, once its app is built, freezes what
start-up left out of the garbage collector's passes and collects its youngest objects
less often (``GC_FREEZE``, on by default; the tests turn it off). Each case builds the
app in a fresh interpreter, as uvicorn's worker processes do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BUILD = """
import gc, json
before = {"frozen": gc.get_freeze_count(), "thresholds": gc.get_threshold()}
from app.asgi import create_app
create_app()
print(json.dumps({"before": before, "frozen": gc.get_freeze_count(), "thresholds": gc.get_threshold()}))
"""


def build_app_with(gc_freeze: str) -> dict:
    env = {**os.environ, "GC_FREEZE": gc_freeze, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", BUILD], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_web_process_freezes_start_up_and_collects_the_young_less_often():
    state = build_app_with("1")
    assert state["before"]["frozen"] == 0
    assert state["frozen"] > 10_000  # modules, classes, templates: what start-up left
    assert state["thresholds"] == [50_000, 20, 20]


def test_with_gc_freeze_off_the_collector_is_left_as_python_sets_it():
    state = build_app_with("0")
    assert state["frozen"] == 0
    assert state["thresholds"] == state["before"]["thresholds"]

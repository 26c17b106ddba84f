"""The garbage collector of a web process, set once the app is built (``GC_FREEZE``).

Python's cyclic collector walks the objects that survived its earlier passes again and
again: in a web process, the hundreds of thousands that start-up leaves for good
(modules, classes, compiled templates, the app itself). Measured on deadline day's visit
(``bench/deadline_steps.py``, docs/benchmarks.md): without this, one request in a run of
720 took ~185 ms of CPU instead of ~5 (a full collection); with it the slowest took
39-49 ms. The mean CPU a candidate did not move beyond the
noise (98 and 98 ms, 102 and 101 ms in two pairs of runs): this is for the latency of
the requests caught behind a full collection, not for throughput.

- ``gc.freeze()`` after a last full collection moves what start-up left to a permanent
  generation the collector never walks (what is garbage then is collected first; objects
  frozen are still freed by reference counting when they are dropped);
- the first threshold goes from 700 to 50,000 allocations, so the youngest generation
  is collected less often (a request allocates thousands of objects, most of them freed
  by reference counting, not by the collector), and each older one after 20 passes
  of the one below instead of 10.
"""

from __future__ import annotations

import gc

THRESHOLDS = (50_000, 20, 20)


def settle_after_start_up() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)

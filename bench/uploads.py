"""Server memory while 20 candidates upload a 2 MB piece at the same time (issue 13,
target 4: every file stored, memory growing < 50 MB).

Not a test: ``.venv/bin/python bench/uploads.py [--uploads 20]
[--database-url postgres://…/ecesure_bench] [--redis-url redis://127.0.0.1:6379/11]``.
Without ``--database-url`` the database is a fresh SQLite file in a temporary folder;
with one, that database's ``public`` schema is DROPPED and recreated.

It seeds ``--uploads`` candidates, each with an application asking for two pieces,
starts one uvicorn process, signs every candidate in, then, all candidates at once:

1. warm-up: nothing measured (pypdf, Pillow and the pages loaded);
2. baseline: one small piece each (a 30 KB PDF), the same count of concurrent uploads;
3. the measure: one piece of just under 2 MB each (PDFs and JPEGs of noise, which do
   not compress), on the application's other piece.

Meanwhile it samples the server's resident memory every 20 ms. It then checks that
every upload answered 303 and that every file is stored whole (row and file on disk,
same SHA-256), and prints the growth of each batch and their difference.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from io import BytesIO

import httpx

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.support import BIN, ROOT, free_port, portal_env, prepare, rss_kb, wait_for_http

LIMIT_MB = 50
MAX_BYTES = 2 * 1024 * 1024


def noise_jpeg(rng: random.Random, side: int) -> bytes:
    from PIL import Image

    pixels = rng.randbytes(side * side * 3)
    out = BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, "JPEG", quality=92)
    return out.getvalue()


def noise_pdf(rng: random.Random, side: int) -> bytes:
    from PIL import Image

    jpeg = noise_jpeg(rng, side)
    out = BytesIO()
    Image.open(BytesIO(jpeg)).save(out, "PDF", resolution=72)
    return out.getvalue()


def largest_under(make, limit: int) -> bytes:
    """The largest file ``make(side)`` gives under ``limit`` bytes (sides by 8 px)."""
    low, high = 64, 2048
    while high - low > 8:
        middle = (low + high) // 2
        if len(make(middle)) < limit:
            low = middle
        else:
            high = middle
    return make(low)


def test_files(count: int) -> list[tuple[str, bytes]]:
    """Just under 2 MB each, PDFs and JPEGs in turn, each of its own noise."""
    files = []
    for n in range(count):
        make, name = (noise_jpeg, f"photo-{n}.jpg") if n % 2 else (noise_pdf, f"piece-{n}.pdf")
        data = largest_under(
            partial(lambda make, n, side: make(random.Random(n), side), make, n), MAX_BYTES - 4096
        )
        files.append((name, data))
    return files


async def seed(count: int):
    from app.cli import database
    from bench.seed_candidates import seed_candidates

    async with database():
        return await seed_candidates(count, pieces=2)


async def stored_files() -> dict[str, tuple[int, str]]:
    """original name → (size, sha256 of the file on disk)."""
    from app.cli import database
    from app.documents.storage import storage_path
    from app.tables.documents import StoredFile

    async with database():
        rows = await StoredFile.select()
    return {
        row["original_name"]: (
            row["size_bytes"],
            hashlib.sha256(storage_path(row).read_bytes()).hexdigest(),
        )
        for row in rows
    }


async def sign_in(base: str, login: str, n: int) -> httpx.AsyncClient:
    from bench.seed_candidates import PASSWORD

    # One address per candidate, as the reverse proxy would say (uvicorn trusts it
    # from 127.0.0.1): the sign-in limits are per address.
    client = httpx.AsyncClient(
        base_url=base, timeout=300, headers={"X-Forwarded-For": f"10.0.{n // 250}.{n % 250 + 1}"}
    )
    await client.get("/connexion")
    answer = await client.post(
        "/connexion",
        data={
            "identifier": login,
            "password": PASSWORD,
            "_csrf_token": client.cookies["ecesure_csrf"],
        },
    )
    assert answer.status_code == 303, (answer.status_code, answer.text[:500])
    return client


async def upload(client: httpx.AsyncClient, url: str, name: str, data: bytes) -> int:
    kind = "application/pdf" if name.endswith(".pdf") else "image/jpeg"
    answer = await client.post(
        url,
        data={"_csrf_token": client.cookies["ecesure_csrf"]},
        files={"fichier": (name, data, kind)},
    )
    return answer.status_code


def sampled(pid: int, run) -> tuple[int, int, object]:
    """(RSS before, peak RSS, result of run()) while sampling every 20 ms."""
    before = rss_kb(pid)
    peak, done = before, threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = run()
    finally:
        done.set()
        sampler.join()
    return before, max(peak, rss_kb(pid)), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--uploads", type=int, default=20)
    parser.add_argument("--database-url", help="PostgreSQL database to wipe and use")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()
    big = test_files(args.uploads)
    small = largest_under(lambda side: noise_pdf(random.Random(1), side), 30_000)
    with tempfile.TemporaryDirectory(prefix="ecesure-bench-") as var:
        env = portal_env(var, database_url=args.database_url, redis_url=args.redis_url)
        prepare(env)
        os.environ.update(env)
        seeded = asyncio.run(seed(args.uploads))
        first_piece, second_piece = seeded.piece_ids
        port = free_port()
        server = subprocess.Popen(
            [
                BIN / "uvicorn",
                *("--factory", "app.asgi:create_app", "--port", str(port)),
                *("--log-level", "warning", "--proxy-headers", "--forwarded-allow-ips=127.0.0.1"),
            ],
            cwd=ROOT,
            env=env,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for_http(f"{base}/healthz")
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            clients = loop.run_until_complete(
                asyncio.gather(
                    *(sign_in(base, login, n) for n, (login, _) in enumerate(seeded.candidates))
                )
            )

            def batch(piece_id: int, files: list[tuple[str, bytes]]) -> list[int]:
                return loop.run_until_complete(
                    asyncio.gather(
                        *(
                            upload(client, f"/candidatures/{app_id}/pieces/{piece_id}", *file)
                            for client, (_, app_id), file in zip(
                                clients, seeded.candidates, files, strict=True
                            )
                        )
                    )
                )

            warm = batch(first_piece, [(f"warm-{n}.pdf", small) for n in range(args.uploads)])
            small_files = [(f"small-{n}.pdf", small) for n in range(args.uploads)]
            small_before, small_peak, small_codes = sampled(
                server.pid, lambda: batch(first_piece, small_files)
            )
            started = time.perf_counter()
            big_before, big_peak, big_codes = sampled(server.pid, lambda: batch(second_piece, big))
            seconds = time.perf_counter() - started
            for client in clients:
                loop.run_until_complete(client.aclose())
            loop.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
        stored = asyncio.run(stored_files())

    expected = {name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in big}
    all_stored = all(stored.get(name) == value for name, value in expected.items())
    small_mb, big_mb = (small_peak - small_before) / 1024, (big_peak - big_before) / 1024
    total_mb = sum(len(data) for _, data in big) / (1024 * 1024)
    print(f"database          {'PostgreSQL' if args.database_url else 'SQLite'}")
    print(f"answers           warm-up {set(warm)}, small {set(small_codes)}, 2 MB {set(big_codes)}")
    print(
        f"stored            {sum(name in stored for name in expected)}/{len(expected)} whole: {all_stored}"
    )
    print(
        f"baseline          {args.uploads} × {len(small) / 1024:.0f} KB at once: RSS {small_before / 1024:.1f} → {small_peak / 1024:.1f} MB, growth {small_mb:.1f} MB"
    )
    print(
        f"measure           {args.uploads} × ~2 MB ({total_mb:.1f} MB) at once in {seconds:.1f} s: RSS {big_before / 1024:.1f} → {big_peak / 1024:.1f} MB, growth {big_mb:.1f} MB"
    )
    print(f"difference        {big_mb - small_mb:.1f} MB (bound: growth < {LIMIT_MB} MB)")
    ok = set(big_codes) == {303} and all_stored and big_mb < LIMIT_MB
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()

"""Server memory while the review desk streams a programme's dossiers as one ZIP.

Not a test: run it by hand, ``.venv/bin/python bench/dossiers_zip.py`` (about three
minutes on two cores). It sets up a fresh SQLite database in a temporary folder with
a programme of 200 transmitted applications (``--applications``), each with a PDF and
a JPEG of incompressible noise (~0.8 MB a candidate, ~160 MB in all), starts uvicorn
on a free loopback port, signs a central-office member in, downloads a two-application
programme first (warm-up: WeasyPrint and its fonts loaded), then the big one, reading
the response as it comes and throwing it away. Meanwhile it samples the server's
resident memory (``/proc/<pid>/status``, every 20 ms).

It prints the archive's size, the server's memory before and at its peak, the growth,
and the ratio growth / archive size measured in the same run (an archive held in
memory would make it 1 or more). The issue's bound: growth under 50 MB. Record
results in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from io import BytesIO
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIMIT_MB = 50


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def noise_files(seed: int = 12) -> tuple[bytes, bytes]:
    """A JPEG of random pixels and a PDF holding it: neither compresses."""
    from PIL import Image

    rng = random.Random(seed)
    pixels = bytes(rng.getrandbits(8) for _ in range(640 * 480 * 3))
    image = Image.frombytes("RGB", (640, 480), pixels)
    jpeg, pdf = BytesIO(), BytesIO()
    image.save(jpeg, "JPEG", quality=95)
    image.save(pdf, "PDF", resolution=72)
    return pdf.getvalue(), jpeg.getvalue()


async def seed(applications: int) -> None:
    """Run in a child process whose environment points at the bench database."""
    from app.cli import database
    from app.core.codes.staff import StaffRole
    from tests.factories import (
        make_campaign,
        make_centre,
        make_commission,
        make_programme,
        make_required_piece,
    )
    from tests.factories_documents import applicant_with_pieces
    from tests.factories_staff import make_staff

    async with database():
        pdf, jpeg = noise_files()
        campaign = await make_campaign()
        commission = await make_commission(await make_centre(campaign))
        pieces = [
            await make_required_piece(campaign, label_fr="Pièce d'identité"),
            await make_required_piece(campaign, label_fr="Photo"),
        ]
        ids = []
        for code, count in (("WARM", 2), ("BIG", applications)):
            programme = await make_programme(commission, pieces, code=code)
            ids.append(programme.id)
            for _ in range(count):
                await applicant_with_pieces(
                    campaign,
                    programme,
                    [(pieces[0], "identite.pdf", pdf), (pieces[1], "photo.jpg", jpeg)],
                )
        await make_staff(StaffRole.CENTRAL_OFFICE, username="bench")
        print(f"seeded {applications} applications, {len(pdf) + len(jpeg)} bytes each")
        print("programmes", *ids)


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def download(client: httpx.Client, url: str, pid: int) -> tuple[int, int, float]:
    """(bytes received, peak RSS in kB while streaming, seconds)."""
    peak, done = rss_kb(pid), threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss_kb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start, size = time.perf_counter(), 0
    with client.stream("GET", url) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            size += len(chunk)
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    return size, peak, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed_only:
        asyncio.run(seed(args.applications))
        return
    with tempfile.TemporaryDirectory(prefix="ecesure-bench-") as var:
        env = {**os.environ, "VAR_DIR": var, "ENV": "dev", "PYTHONPATH": str(ROOT)}
        env.pop("DATABASE_URL", None)
        for command in (["migrate"], ["load-refdata"]):
            subprocess.run(
                [sys.executable, "-m", "app.cli", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        started = time.perf_counter()
        seeded = subprocess.run(
            [sys.executable, __file__, "--seed-only", "--applications", str(args.applications)],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        print(seeded[0], f"(seeding took {time.perf_counter() - started:.0f} s)")
        warm, big = (int(n) for n in seeded[-1].split()[1:])
        port = free_port()
        server = subprocess.Popen(
            [
                BIN / "uvicorn",
                "--factory",
                "app.asgi:create_app",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            with httpx.Client(base_url=base, timeout=600) as client:
                client.get("/staff/connexion")
                token = client.cookies["ecesure_csrf"]
                signed = client.post(
                    "/staff/connexion",
                    data={
                        "username": "bench",
                        "password": "Gestion-ecesure-2026",
                        "_csrf_token": token,
                    },
                )
                assert signed.status_code == 303, signed.status_code
                download(client, f"/staff/formations/{warm}/dossiers.zip", server.pid)
                before = rss_kb(server.pid)
                size, peak, seconds = download(
                    client, f"/staff/formations/{big}/dossiers.zip", server.pid
                )
        finally:
            server.terminate()
            server.wait(timeout=10)
    growth_mb = (peak - before) / 1024
    archive_mb = size / (1024 * 1024)
    print(f"applications      {args.applications}")
    print(f"archive           {archive_mb:8.1f} MB in {seconds:.0f} s")
    print(f"server RSS before {before / 1024:8.1f} MB")
    print(f"server RSS peak   {peak / 1024:8.1f} MB")
    print(f"growth            {growth_mb:8.1f} MB  (bound: {LIMIT_MB} MB)")
    print(f"ratio             {growth_mb / archive_mb:8.3f} of the archive's size")
    print("PASS" if growth_mb < LIMIT_MB else "FAIL")


if __name__ == "__main__":
    main()

import time
from tests.security.snapshot import database_rows, row_counts

async def test_prof(world):
    t=time.monotonic()
    for _ in range(10): await database_rows()
    print("rows", (time.monotonic()-t)/10)
    t=time.monotonic()
    for _ in range(10): await row_counts()
    print("counts", (time.monotonic()-t)/10)
    http = world.client("candidate_a")
    t=time.monotonic()
    for _ in range(10): await http.get("/dossier")
    print("get dossier", (time.monotonic()-t)/10)
    t=time.monotonic()
    for _ in range(10): await http.get("/")
    print("get /", (time.monotonic()-t)/10)

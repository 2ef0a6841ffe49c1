"""Key rotation benchmark: ``jaring keys rotate`` over a registry of a million people.

    .venv/bin/python bench/keys.py --database sqlite [--people 1000000] [--batch-rows 50000]
    scripts/with-postgres .venv/bin/python bench/keys.py --database postgres

Steps:

1. **registry** (set-up, under key 1): ``--people`` synthetic workers of Kota Semarang written
   with ``people_bulk_create`` — every NIK, and the phone of those who have one, encrypted
   column-wise and bound to the person's id.
2. **status**: ``jaring keys status --json`` in a child process (one grouped scan a column).
3. **rotate**: key 2 joins the ring as the current key, and ``jaring keys rotate --json`` runs
   in a child process: every ciphertext read, decrypted, encrypted under key 2 and written
   back by batches of ``--batch-rows`` (one ``UPDATE … FROM`` each).
4. **again**: the same command a second time — nothing left to do; the cost of finding that
   out (what a resumed run pays for the part already done).
5. **read**: with key 1 removed from the ring, ``jaring keys status`` again, and every
   person's NIK decrypted in-process (``people_for_matching``): the old key is not needed.
6. **cipher**: what binding costs per value — ``encrypt_many`` and ``decrypt_many`` of
   ``--people`` NIKs bound to their rows, beside the same AES-GCM calls without associated
   data (the unbound form of before), in this process.

Prints one JSON document: seconds (wall) and CPU seconds of each child, ciphertexts per
second, the counts the commands reported, the load average before and after. Not a timed
test; run it under ``flock /work/bench.lock`` at normal priority.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

REGENCY = "33.74"  # Kota Semarang


def _child(env: dict[str, str], *args: str) -> tuple[float, float, dict[str, Any]]:
    """``jaring ARGS`` in a child process: (wall seconds, CPU seconds, its JSON)."""
    subprocess.run(["sync"], check=False)
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "jaring", *args], env=env, stdout=out, stderr=err, text=True
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"jaring {' '.join(args)} failed: {err.read()[-2000:]}")
        print(f"[bench] jaring {' '.join(args)}: {wall:.2f} s", file=sys.stderr)
        report = json.loads(out.read().strip().splitlines()[-1])
        return wall, usage.ru_utime + usage.ru_stime, report


def _cipher_costs(niks: list[str], ids: list[int]) -> dict[str, float]:
    """Seconds to encrypt and decrypt ``niks`` bound to their rows, and without binding."""
    from jaring.core import crypto
    from jaring.registry.models.people import NIK_SLOT

    aead = crypto._aead(crypto.ring()[crypto.current_key_id()])
    nonces = os.urandom(12 * len(niks))
    timings: dict[str, float] = {}
    started = time.perf_counter()
    unbound = []  # the loop of encrypt_many before the ring: no key number, no binding
    for i, nik in enumerate(niks):
        nonce = nonces[i * 12 : (i + 1) * 12]
        unbound.append(b"\x01" + nonce + aead.encrypt(nonce, nik.encode(), None))
    timings["encrypt_unbound"] = time.perf_counter() - started
    started = time.perf_counter()
    for blob in unbound:
        aead.decrypt(blob[1:13], blob[13:], None).decode()
    timings["decrypt_unbound"] = time.perf_counter() - started
    started = time.perf_counter()
    bound = crypto.encrypt_many(niks, slot=NIK_SLOT, rows=ids)
    timings["encrypt_bound"] = time.perf_counter() - started
    started = time.perf_counter()
    crypto.decrypt_many(bound, slot=NIK_SLOT, rows=ids)
    timings["decrypt_bound"] = time.perf_counter() - started
    return {k: round(v, 2) for k, v in timings.items()}


def run(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    old, new = secrets.token_urlsafe(48), secrets.token_urlsafe(48)
    env = {**os.environ, "JARING_VAR_DIR": str(folder), "JARING_ENV": "demo", "JARING_DEBUG": "0"}
    env.pop("JARING_FIELD_KEY", None)
    if args.database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    elif not env.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("--database postgres needs DATABASE_URL=postgres://…")
    first = {**env, "JARING_FIELD_KEYS": f"1:{old}", "JARING_FIELD_KEY_CURRENT": "1"}
    both = {**env, "JARING_FIELD_KEYS": f"2:{new},1:{old}", "JARING_FIELD_KEY_CURRENT": "2"}
    second = {**env, "JARING_FIELD_KEYS": f"2:{new}", "JARING_FIELD_KEY_CURRENT": "2"}
    os.environ.update({**first, "DJANGO_SETTINGS_MODULE": "jaring.settings"})

    import django
    from django.core.management import call_command

    django.setup()
    if args.database == "postgres":
        call_command("flush", "--no-input", verbosity=0)
    call_command("migrate", "--no-input", verbosity=0)

    import polars as pl

    from jaring.registry.models import Person
    from jaring.registry.services import people_bulk_create
    from jaring.synthetic.people import generate_people

    load_before = os.getloadavg()
    started = time.perf_counter()
    people = generate_people(
        args.people, regency=REGENCY, seed=args.seed, reference_date=date(2025, 1, 1)
    ).with_columns(occupation_match=pl.lit("synonym"))
    phones = int(people["phone"].is_not_null().sum())
    people_bulk_create(people)
    del people
    registry_seconds = time.perf_counter() - started
    print(f"[bench] registry: {registry_seconds:.1f} s", file=sys.stderr)

    status_wall, status_cpu, status = _child(both, "keys", "status", "--json")
    rotate_wall, rotate_cpu, rotated = _child(
        both, "keys", "rotate", "--json", "--batch-rows", str(args.batch_rows)
    )
    again_wall, again_cpu, again = _child(both, "keys", "rotate", "--json")
    after_wall, _, after = _child(second, "keys", "status", "--json")

    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    from jaring.registry.matching.services import people_for_matching

    connection.close()
    with override_settings(JARING_FIELD_KEYRING={2: new}, JARING_FIELD_KEY_CURRENT=2):
        started = time.perf_counter()
        read = people_for_matching(Person.objects.all())
        read_seconds = time.perf_counter() - started
    assert settings.JARING_FIELD_KEY_CURRENT == 1
    assert read["nik"].null_count() == 0 and read.height == args.people

    cipher = _cipher_costs(read["nik"].to_list(), read["person_id"].to_list())
    rewritten = int(rotated["rewritten"])
    return {
        "database": args.database,
        "people": args.people,
        "phones": phones,
        "batch_rows": args.batch_rows,
        "registry_seconds": round(registry_seconds, 1),
        "status": {
            "seconds": round(status_wall, 2),
            "cpu_seconds": round(status_cpu, 2),
            "to_rotate": status["to_rotate"],
        },
        "rotate": {
            "seconds": round(rotate_wall, 2),
            "cpu_seconds": round(rotate_cpu, 2),
            "rewritten": rewritten,
            "per_second": round(rewritten / rotate_wall),
            "columns": [c for c in rotated["columns"] if c["rewritten"]],
        },
        "again": {
            "seconds": round(again_wall, 2),
            "cpu_seconds": round(again_cpu, 2),
            "rewritten": again["rewritten"],
        },
        "after": {
            "seconds": round(after_wall, 2),
            "by_key": after["by_key"],
            "to_rotate": after["to_rotate"],
        },
        "read_without_old_key_seconds": round(read_seconds, 2),
        "cipher": cipher,
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--batch-rows", type=int, default=50_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jaring-bench-keys-") as folder:
        result = run(args, Path(folder))
    print(json.dumps(result))


if __name__ == "__main__":
    main()

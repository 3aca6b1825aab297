"""Benchmark the researcher CSV import: 10,000 rows, first import and re-import.

The requirement is that 10,000 rows import in under a minute. This writes a
10,000-row CSV of invented researchers (Faker's es_ES, pt_BR and en_GB locales,
so names and biographies carry accents) into a temporary directory, imports it
into an empty directory (all creates), then imports a changed copy of the same
people (all updates), and prints rows, seconds and rows/s for each.

It resets and migrates the database it runs against, so it only accepts a scratch
database whose name contains "bench":

    DJANGO_SETTINGS_MODULE=website.settings.dev \\
    DATABASE_URL=sqlite:////tmp/bench-import.sqlite3 .venv/bin/python bench/import_researchers.py

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import \\
    DJANGO_SETTINGS_MODULE=website.settings.dev .venv/bin/python bench/import_researchers.py

The timings split into checking the file ("validate"), writing it ("write",
comparing included) and what runs when the transaction commits ("commit+index"):
Wagtail's search index through `directory.bulk.index_researchers`, and whatever
listens to `researchers_bulk_saved`. Under the dev settings background tasks run
inline; TASKS_BACKEND=database queues them for a worker as production does, which
shows what the import itself costs.

Everything generated is fictional: e-mail addresses are under example.org and
ORCID iDs use the unallocated 0000-0000- block (with a valid check character).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on the path, and bench/http.py would then
# shadow the standard library's http: put the project there instead.
sys.path[0] = str(PROJECT_DIR)
DEFAULT_DATABASE_URL = "sqlite:////tmp/bench-import.sqlite3"

LOCALES = {"es_ES": ("AR", "CL", "CO", "MX", "PE", "BO"), "pt_BR": ("BR",), "en_GB": ("GB",)}
# Topics as the seed migration names them, written the ways people would: by name
# in any case, or by slug.
TOPICS = (
    "Direct lithium extraction",
    "lithium-refining-and-chemicals",
    "pcam",
    "Cathode active materials (CAM)",
    "anode materials",
    "Electrolytes and solid-state batteries",
    "sodium-ion-and-next-generation-chemistries",
    "Cell design, manufacturing and scale-up",
    "Battery management, modelling and testing",
    "Characterisation",
    "Recycling and circular supply chains",
    "second-life",
    "ESG, sustainability and policy",
)
KEYWORDS = (
    "litio",
    "salmuera",
    "extracción directa",
    "baterías de estado sólido",
    "reciclaje",
    "economía circular",
    "ânodo de silício",
    "eletrólito",
    "sódio",
    "impedance spectroscopy",
    "XPS",
    "HAXPES",
    "life-cycle assessment",
    "cátodos NMC",
    "LFP",
    "modelado electroquímico",
)
LANGUAGES = ("en", "Spanish", "Português", "es", "pt", "French", "Deutsch", "qu")
CAREER_STAGES = ("doctoral", "Early-career researcher", "mid-career", "Senior", "industry", "")
OPEN_TO = ("collaboration", "Visiting / exchange", "PhD supervision", "industry", "mentoring")
JOB_TITLES = (
    "Profesora titular",
    "Investigador posdoctoral",
    "Pesquisadora associada",
    "Professor adjunto",
    "Research fellow",
    "Senior lecturer",
    "Estudiante de doctorado",
    "Engenheiro de pesquisa",
)


def orcid_for(n: int) -> str:
    """A valid ORCID iD in the unallocated 0000-0000- block."""
    from directory.validators import orcid_check_character

    base = f"00000000{n:07d}"
    digits = base + orcid_check_character(base)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def institutions(fakers: dict, rng: random.Random) -> list[tuple[str, str]]:
    """Fictional institutions: (name, country), about 150 of them."""
    result = []
    for _ in range(150):
        locale = rng.choice(list(LOCALES))
        city = fakers[locale].city()
        country = rng.choice(LOCALES[locale])
        prefix = {"es_ES": "Universidad de", "pt_BR": "Universidade de", "en_GB": "University of"}
        result.append((f"{prefix[locale]} {city} (fictional)", country))
    return list(dict.fromkeys(result))


def write_csv(path: Path, rows: int, seed: int, *, revision: int = 0) -> None:
    """`rows` invented researchers; `revision` > 0 changes their details, not who they are."""
    from django.utils.text import slugify
    from faker import Faker

    from directory.importing import COLUMNS

    rng = random.Random(seed)
    fakers = {locale: Faker(locale) for locale in LOCALES}
    for n, fake in enumerate(fakers.values()):
        fake.seed_instance(seed + n)
    places = institutions(fakers, rng)
    change = random.Random(seed + 1000 + revision)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(rows):
            locale = rng.choice(list(LOCALES))
            fake = fakers[locale]
            given, family = fake.first_name(), f"{fake.last_name()} {fake.last_name()}"
            institution, country = rng.choice(places)
            has_orcid = rng.random() < 0.7
            email = f"{slugify(given)}.{slugify(family)}.{n}@example.org"
            bio = "\n\n".join(fake.paragraph(nb_sentences=4) for _ in range(rng.randint(1, 2)))
            row = {
                "given_name": given,
                "family_name": family,
                # Re-imports shout the address: matching ignores case.
                "email": email.upper() if revision else email,
                "institution": institution if rng.random() < 0.9 else "",
                "country": country,
                "job_title": rng.choice(JOB_TITLES),
                "career_stage": rng.choice(CAREER_STAGES),
                "topics": ";".join(rng.sample(TOPICS, rng.randint(1, 3))),
                "keywords": "; ".join(rng.sample(KEYWORDS, rng.randint(0, 4))),
                "languages": ";".join(rng.sample(LANGUAGES, rng.randint(1, 3))),
                "orcid": orcid_for(n + 1) if has_orcid else "",
                "website": f"https://research.example.org/{slugify(family)}-{n}"
                if rng.random() < 0.5
                else "",
                "bio": bio,
                "open_to": ";".join(rng.sample(OPEN_TO, rng.randint(0, 3))),
            }
            if revision:
                row["job_title"] = change.choice(JOB_TITLES)
                row["topics"] = ";".join(change.sample(TOPICS, change.randint(1, 3)))
                row["open_to"] = ";".join(change.sample(OPEN_TO, change.randint(0, 3)))
            writer.writerow([row[column] for column in COLUMNS])


def reset_scratch_database(url: str) -> None:
    """Start from an empty database, refusing anything not named as a scratch one."""
    import dj_database_url

    config = dj_database_url.parse(url)
    name = str(config["NAME"])
    if "bench" not in Path(name).name:
        sys.exit(f"Refusing to reset {name}: use a scratch database whose name contains 'bench'.")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        import psycopg
        from psycopg import sql

        with psycopg.connect(
            dbname="postgres",
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            autocommit=True,
        ) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    else:
        sys.exit(f"Unsupported database engine {config['ENGINE']}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings.dev")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    reset_scratch_database(os.environ["DATABASE_URL"])

    import django

    django.setup()
    import logging

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from common.progress import ProgressBar
    from directory.importing import import_researchers
    from directory.models import ResearcherPage

    # Background-task chatter (one line per new institution) would tear the bar.
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    engine = connection.vendor
    print(f"Database: {engine} ({connection.settings_dict['NAME']})")

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        first, again = Path(tmp) / "researchers.csv", Path(tmp) / "researchers-changed.csv"
        started = time.perf_counter()
        write_csv(first, args.rows, args.seed)
        write_csv(again, args.rows, args.seed, revision=1)
        print(f"Generated 2 × {args.rows:,} rows in {time.perf_counter() - started:.1f} s")

        print(f"Tasks backend: {settings.TASKS['default']['BACKEND']}")
        print(
            f"{'run':<10} {'rows':>7} {'seconds':>8} {'rows/s':>7}"
            f" {'validate':>9} {'write':>6} {'commit+index':>13}"
        )
        for label, path in (("import", first), ("re-import", again)):
            bar = ProgressBar(sys.stderr, lines=False)
            stages: dict[str, float] = {}

            def progress(stage: str, done: int, total: int, bar=bar, stages=stages) -> None:
                stages.setdefault(f"{stage} start", time.perf_counter())
                stages[stage] = time.perf_counter()
                bar(stage, done, total)

            started = time.perf_counter()
            result = import_researchers(path.read_bytes(), progress=progress)
            ended = time.perf_counter()
            bar.close()
            if result.errors:
                sys.exit("\n".join(str(issue) for issue in result.errors[:20]))
            seconds = ended - started
            validate = stages["Validating"] - started
            written = stages["Writing"]
            print(
                f"{label:<10} {result.rows:>7,} {seconds:>8.1f} {result.rows / seconds:>7,.0f}"
                f" {validate:>9.1f} {written - stages['Validating']:>6.1f}"
                f" {ended - written:>13.1f}"
            )
            print(f"           {result.summary()}")
        print(f"Profiles in the database: {ResearcherPage.objects.count():,}")


if __name__ == "__main__":
    main()

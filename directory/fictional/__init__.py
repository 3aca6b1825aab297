"""Fictional researcher records for demo data, tests and benchmarks.

The search benchmarks, the demo data and anyone profiling the directory need
many profiles that look like the real community (UK and Latin American battery
researchers, accented names, biographies in English, Spanish and Portuguese)
without containing a single real person. Everything here is invented:
institutions carry "Ficticia", "Demo" or "(fictional)" in their names, e-mail
addresses live under example.org / example.com / example.net, ORCID iDs use the
unallocated 0000-0000- block (valid check character, no real owner) and DOIs use
Crossref's 10.5555 test prefix.

The stream is deterministic: `generate_researchers(n, seed)` yields the same
records on every run (for the installed Faker version), and the first k records
do not depend on n, so a 10,000-row benchmark is a prefix of the 100,000-row one.
The first eight records visit every country once, so even tiny samples cover the
UK and all seven Latin American countries.

`create_researchers` writes the stream through `directory.bulk` in batches,
which keeps 100,000 profiles to a few minutes of CPU (bench/README.md has the
measurements) instead of the hour that 100,000 `add_child` calls would take.
"""

from directory.fictional.generator import (
    NamePool,
    ascii_slug,
    fictional_orcid,
    generate_researchers,
    name_pools,
)
from directory.fictional.vocabulary import (
    COUNTRY_WEIGHTS,
    INSTITUTION_NAMES,
    INSTITUTIONS,
    KEYWORDS,
    LATIN_AMERICAN_COUNTRIES,
    THEMES,
    TOPIC_SLUGS,
    ProgressCallback,
    Record,
)
from directory.fictional.writing import (
    create_researchers,
    ensure_institutions,
    ensure_tags,
    write_researchers,
)

__all__ = [
    "COUNTRY_WEIGHTS",
    "INSTITUTIONS",
    "INSTITUTION_NAMES",
    "KEYWORDS",
    "LATIN_AMERICAN_COUNTRIES",
    "NamePool",
    "ProgressCallback",
    "Record",
    "THEMES",
    "TOPIC_SLUGS",
    "ascii_slug",
    "create_researchers",
    "ensure_institutions",
    "ensure_tags",
    "fictional_orcid",
    "generate_researchers",
    "name_pools",
    "write_researchers",
]

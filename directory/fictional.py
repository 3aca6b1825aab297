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

from __future__ import annotations

import bisect
import contextlib
import functools
import importlib
import itertools
import random
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from common.batching import batched
from directory.choices import OPEN_TO_FIELDS, CareerStage, InstitutionKind, OpenTo
from directory.validators import orcid_check_character

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from wagtail.images.models import AbstractImage

    from directory.models import DirectoryIndexPage, Institution

Record = dict[str, Any]
ProgressCallback = Callable[[int, int], None]

# --------------------------------------------------------------------------------------
# Places and institutions
# --------------------------------------------------------------------------------------

#: Country codes in the order the first records visit them, and their share of the rest.
COUNTRY_WEIGHTS: dict[str, float] = {
    "GB": 0.34,
    "AR": 0.10,
    "BO": 0.06,
    "BR": 0.14,
    "CL": 0.13,
    "CO": 0.07,
    "MX": 0.10,
    "PE": 0.06,
}
LATIN_AMERICAN_COUNTRIES = ("AR", "BO", "BR", "CL", "CO", "MX", "PE")

# Country | name | acronym | kind | city | e-mail domain. Earlier rows of a country are
# weighted more heavily, so small samples still show several colleagues per institution.
_INSTITUTION_TABLE = """
GB | Northfield University (fictional) | NFU | university | Birmingham | northfield.example.org
GB | Kingsbridge Institute of Technology (fictional) | KBIT | university | Newcastle upon Tyne | kingsbridge.example.org
GB | University of Glenmoor (fictional) | UoG | university | Glasgow | glenmoor.example.org
GB | Harwick College London (fictional) | HCL | university | London | harwick.example.org
GB | Severn Valley University (fictional) | SVU | university | Cardiff | severn.example.org
GB | Fenmarsh University (fictional) | FMU | university | Cambridge | fenmarsh.example.org
GB | Demo Battery Research Centre | DBRC | research-centre | Oxford | dbrc.example.org
GB | Example Cells Ltd (fictional) | ECL | company | Coventry | examplecells.example.com
AR | Instituto Demo de Litio | IDL | research-centre | Salta | idl.example.org
AR | Universidad Ficticia de Jujuy | UFJ | university | San Salvador de Jujuy | ufjujuy.example.org
AR | Universidad Ficticia de La Plata | UFLP | university | La Plata | uflp.example.org
AR | Universidad Ficticia de Córdoba | UFC | university | Córdoba | ufcordoba.example.org
AR | Salmueras Ficticias del Norte S.A. | SFN | company | Catamarca | sfn.example.com
BO | Universidad Ficticia de Potosí | UFP | university | Potosí | ufpotosi.example.org
BO | Universidad Demo Mayor de La Paz | UDMLP | university | La Paz | udmlp.example.org
BO | Centro Ficticio de Investigación del Salar de Uyuni | CFISU | research-centre | Uyuni | cfisu.example.org
BO | Universidad Ficticia de Oruro | UFO | university | Oruro | uforuro.example.org
BR | Universidade Fictícia de Minas Gerais | UFIMG | university | Belo Horizonte | ufimg.example.org
BR | Universidade Demo de Campinas | UDC | university | Campinas | udcampinas.example.org
BR | Universidade Fictícia de São Carlos | UFISC | university | São Carlos | ufisc.example.org
BR | Instituto Fictício de Baterias do Nordeste | IFBN | research-centre | Fortaleza | ifbn.example.org
BR | Universidade Fictícia do Rio Grande do Sul | UFIRGS | university | Porto Alegre | ufirgs.example.org
BR | Centro Demo de Reciclagem de Baterias | CDRB | research-centre | São Paulo | cdrb.example.org
CL | Universidad Ficticia de Antofagasta | UFA | university | Antofagasta | ufantofagasta.example.org
CL | Universidad Demo de Santiago | UDS | university | Santiago | udsantiago.example.org
CL | Instituto Ficticio de Tecnologías del Litio | IFTL | research-centre | Santiago | iftl.example.org
CL | Universidad Ficticia de Concepción | UFCO | university | Concepción | ufco.example.org
CL | Universidad Demo del Norte Grande | UDNG | university | Calama | udng.example.org
CL | Minera Ficticia del Salar SpA | MFS | company | Antofagasta | mfsalar.example.com
CO | Universidad Ficticia de Antioquia | UFAN | university | Medellín | ufan.example.org
CO | Universidad Demo de los Andes | UDA | university | Bogotá | udandes.example.org
CO | Universidad Ficticia del Valle | UFV | university | Cali | ufvalle.example.org
CO | Centro Demo de Almacenamiento de Energía | CDAE | research-centre | Bogotá | cdae.example.org
MX | Universidad Ficticia de Sonora | UFS | university | Hermosillo | ufsonora.example.org
MX | Instituto Demo de Energías de Monterrey | IDEM | research-centre | Monterrey | idem.example.org
MX | Universidad Ficticia Autónoma de Puebla | UFAP | university | Puebla | ufap.example.org
MX | Universidad Demo de Guanajuato | UDG | university | Guanajuato | udg.example.org
MX | Centro Ficticio de Materiales Avanzados | CFMA | research-centre | Chihuahua | cfma.example.org
PE | Universidad Ficticia de Arequipa | UFAR | university | Arequipa | ufarequipa.example.org
PE | Universidad Demo de Ingeniería de Lima | UDIL | university | Lima | udil.example.org
PE | Instituto Ficticio del Litio Andino | IFLA | research-centre | Puno | ifla.example.org
PE | Pontificia Universidad Demo del Perú | PUDP | university | Lima | pudp.example.org
"""  # noqa: E501

#: Every fictional institution, as plain data (the fields of `directory.Institution`).
INSTITUTIONS: list[Record] = [
    {
        "name": name,
        "acronym": acronym,
        "kind": InstitutionKind(kind).value,
        "country": country,
        "city": city,
        "website": f"https://{domain}/",
        "domain": domain,
    }
    for country, name, acronym, kind, city, domain in (
        [cell.strip() for cell in row.split("|")] for row in _INSTITUTION_TABLE.strip().splitlines()
    )
]
INSTITUTION_NAMES = frozenset(spec["name"] for spec in INSTITUTIONS)
_INSTITUTIONS_BY_COUNTRY: dict[str, list[Record]] = {
    code: [spec for spec in INSTITUTIONS if spec["country"] == code] for code in COUNTRY_WEIGHTS
}

# Faker locales per country with their shares. Faker has no Bolivian or Peruvian locale,
# so those borrow from their neighbours; Argentina and Chile mix in es_ES for accents.
_LOCALES: dict[str, list[tuple[str, float]]] = {
    "GB": [("en_GB", 0.84), ("es_ES", 0.05), ("es_CO", 0.04), ("pt_BR", 0.04), ("es_MX", 0.03)],
    "AR": [("es_AR", 0.65), ("es_ES", 0.35)],
    "BO": [("es_CL", 0.4), ("es_MX", 0.4), ("es_ES", 0.2)],
    "BR": [("pt_BR", 1.0)],
    "CL": [("es_CL", 0.75), ("es_ES", 0.25)],
    "CO": [("es_CO", 1.0)],
    "MX": [("es_MX", 0.9), ("es_ES", 0.1)],
    "PE": [("es_CO", 0.4), ("es_MX", 0.3), ("es_ES", 0.3)],
}
_COUNTRY_LANGUAGE = {"GB": "en", "BR": "pt"}  # everyone else writes Spanish first

# --------------------------------------------------------------------------------------
# Battery vocabulary: topic slugs (from directory/migrations/0002) to keywords and sentences
# --------------------------------------------------------------------------------------

_SLOTS: dict[str, Sequence[str]] = {
    "salar": (
        "Salar de Atacama",
        "Salar de Uyuni",
        "Salar del Hombre Muerto",
        "Salar de Olaroz",
        "Salar de Cauchari",
        "Salar de Maricunga",
        "Salar de Coipasa",
    ),
    "cathode": ("NMC811", "NMC622", "LFP", "LMFP", "LNMO", "NCA"),
    "technique": (
        "HAXPES",
        "XPS",
        "operando XRD",
        "plasma FIB-SEM",
        "solid-state NMR",
        "impedance spectroscopy",
        "cryo-TEM",
        "Raman spectroscopy",
    ),
    "anode": ("silicon-graphite", "hard carbon", "lithium metal", "natural graphite"),
    "electrolyte": (
        "sulfide solid electrolytes",
        "garnet LLZO",
        "polymer electrolytes",
        "high-concentration electrolytes",
    ),
}
# Metals in three languages, picked together so a sentence and its keywords agree.
_METALS = (
    ("lithium", "litio", "lítio"),
    ("nickel", "níquel", "níquel"),
    ("cobalt", "cobalto", "cobalto"),
    ("manganese", "manganeso", "manganês"),
)

THEMES: dict[str, dict[str, Sequence[str]]] = {
    "direct-lithium-extraction": {
        "keywords": ("brine", "DLE", "salmuera", "ion exchange", "lithium sorbents", "salmoura"),
        "en": (
            "Works on direct lithium extraction (DLE) from {salar} brines with ion-exchange "
            "sorbents.",
            "Studies how DLE can cut the water footprint of lithium production in the {salar}.",
        ),
        "es": (
            "Trabaja en la extracción directa de litio de salmueras del {salar}.",
            "Estudia sorbentes de intercambio iónico para recuperar litio de salmueras con "
            "alto contenido de magnesio.",
            "Evalúa el balance hídrico de la extracción directa de litio en el {salar}.",
        ),
        "pt": ("Pesquisa a extração direta de lítio de salmouras e de águas geotérmicas.",),
        "titles": (
            "Direct lithium extraction from {salar} brine with layered sorbents",
            "Extracción directa de litio desde salmueras del {salar}",
            "Water use of DLE compared with evaporation ponds in the {salar}",
        ),
    },
    "lithium-refining-and-chemicals": {
        "keywords": ("lithium carbonate", "lithium hydroxide", "refining", "carbonato de litio"),
        "en": (
            "Develops low-carbon routes from brine concentrate to battery-grade lithium hydroxide.",
        ),
        "es": (
            "Optimiza la cristalización de carbonato de litio grado batería a partir de "
            "salmueras del {salar}.",
        ),
        "pt": ("Desenvolve rotas de refino de hidróxido de lítio com menor pegada de carbono.",),
        "titles": (
            "Battery-grade lithium hydroxide from {salar} concentrate",
            "Cristalización de carbonato de litio: impurezas y rendimiento",
        ),
    },
    "pcam": {
        "keywords": ("pCAM", "co-precipitation", "precursor", "hydroxide precursors"),
        "en": (
            "Designs co-precipitation processes for {cathode} precursor cathode active materials.",
        ),
        "es": ("Investiga la coprecipitación de precursores para cátodos {cathode}.",),
        "pt": ("Estuda a coprecipitação de precursores de cátodo {cathode}.",),
        "titles": (
            "Particle growth during co-precipitation of {cathode} precursors",
            "Control of morphology in pCAM synthesis",
        ),
    },
    "cam": {
        "keywords": ("NMC811", "LFP", "cátodo", "cathode", "single-crystal cathodes", "LMFP"),
        "en": (
            "Investigates degradation of {cathode} cathodes at high voltage using {technique}.",
            "Develops cobalt-free cathode chemistries for affordable electric vehicles.",
        ),
        "es": (
            "Estudia la degradación de cátodos {cathode} a alto voltaje mediante {technique}.",
            "Desarrolla materiales de cátodo libres de cobalto.",
        ),
        "pt": ("Investiga a degradação de cátodos {cathode} em alta tensão.",),
        "titles": (
            "Surface reconstruction of {cathode} cathodes observed by {technique}",
            "Single-crystal {cathode}: cracking, cycling and cost",
            "Degradación de cátodos {cathode} a alto voltaje",
        ),
    },
    "anode-materials": {
        "keywords": ("graphite", "silicon anodes", "hard carbon", "ánodo", "SEI"),
        "en": ("Works on {anode} anodes and the stability of the solid electrolyte interphase.",),
        "es": ("Trabaja en ánodos de {anode} y en la estabilidad de la interfase SEI.",),
        "pt": ("Desenvolve ânodos de {anode} a partir de matérias-primas brasileiras.",),
        "titles": (
            "SEI evolution on {anode} anodes during fast charging",
            "Ânodos de {anode}: síntese e desempenho eletroquímico",
        ),
    },
    "electrolytes-and-solid-state-batteries": {
        "keywords": ("solid-state", "solid electrolytes", "LLZO", "electrolito", "interfaces"),
        "en": ("Studies {electrolyte} and their interfaces with lithium metal.",),
        "es": ("Investiga {electrolyte} para baterías de estado sólido.",),
        "pt": ("Pesquisa eletrólitos sólidos e interfaces em baterias de estado sólido.",),
        "titles": (
            "Interfacial stability of {electrolyte} against lithium metal",
            "Baterías de estado sólido con {electrolyte}",
        ),
    },
    "sodium-ion-and-next-generation-chemistries": {
        "keywords": ("sodium-ion", "Na-ion", "ion-sodio", "íon-sódio", "lithium-sulfur"),
        "en": ("Develops sodium-ion cells with hard carbon anodes and layered oxide cathodes.",),
        "es": ("Desarrolla baterías de ion-sodio con ánodos de carbono duro.",),
        "pt": ("Desenvolve baterias de íon-sódio com materiais abundantes no Brasil.",),
        "titles": (
            "Sodium-ion full cells with hard carbon from agricultural waste",
            "Baterias de íon-sódio: materiais abundantes e de baixo custo",
        ),
    },
    "cell-design-manufacturing-and-scale-up": {
        "keywords": ("gigafactory", "electrode drying", "dry coating", "scale-up", "pouch cells"),
        "en": ("Scales up electrode coating and drying from the lab to pilot pouch-cell lines.",),
        "es": ("Escala la fabricación de electrodos desde el laboratorio hasta celdas piloto.",),
        "pt": ("Trabalha no escalonamento da fabricação de células do tipo pouch.",),
        "titles": (
            "Dry electrode coating for {cathode} pouch cells",
            "From coin cell to pouch cell: scale-up pitfalls",
        ),
    },
    "battery-management-modelling-and-testing": {
        "keywords": ("BMS", "state of health", "modelling", "PyBaMM", "degradation modelling"),
        "en": ("Builds physics-based models of {cathode} cells to predict state of health.",),
        "es": ("Desarrolla modelos de degradación y sistemas de gestión de baterías (BMS).",),
        "pt": ("Modela o envelhecimento de baterias e o estado de saúde de células {cathode}.",),
        "titles": (
            "State-of-health estimation for {cathode} cells under real drive cycles",
            "Modelos de degradación para baterías de litio en climas de altura",
        ),
    },
    "characterisation": {
        "keywords": ("HAXPES", "XPS", "FIB-SEM", "operando", "synchrotron", "caracterización"),
        "en": ("Uses {technique} to follow interfaces in working cells.",),
        "es": ("Utiliza {technique} para estudiar interfaces en celdas en operación.",),
        "pt": ("Utiliza {technique} para caracterizar interfaces em células em operação.",),
        "titles": (
            "Buried interfaces in {cathode} electrodes probed by {technique}",
            "Lithium-ion electrodes at work, followed by {technique}",
        ),
    },
    "recycling-and-circular-supply-chains": {
        "keywords": (
            "recycling",
            "black mass",
            "hydrometallurgy",
            "reciclaje",
            "reciclagem",
            "leaching",
        ),
        "en": (
            "Recovers {metal_en} from black mass by hydrometallurgy and selective leaching.",
            "Designs circular supply chains for end-of-life electric-vehicle batteries.",
        ),
        "es": (
            "Desarrolla procesos hidrometalúrgicos para recuperar {metal_es} de la masa negra.",
            "Trabaja en el reciclaje de baterías de ion-litio en América Latina.",
        ),
        "pt": (
            "Pesquisa a reciclagem de baterias de íons de lítio e a recuperação de {metal_pt} "
            "da massa negra.",
        ),
        "titles": (
            "Selective leaching of {metal_en} from black mass",
            "Reciclaje hidrometalúrgico de baterías de ion-litio",
            "Reciclagem de baterias: da massa negra ao precursor",
        ),
    },
    "second-life": {
        "keywords": ("second life", "repurposing", "segunda vida", "microgrids"),
        "en": ("Repurposes retired electric-vehicle batteries for rural microgrids.",),
        "es": ("Evalúa baterías de segunda vida para microrredes rurales en los Andes.",),
        "pt": ("Avalia baterias de segunda vida para armazenamento estacionário.",),
        "titles": (
            "Second-life {cathode} modules in off-grid storage",
            "Baterías de segunda vida para microrredes rurales",
        ),
    },
    "esg-sustainability-and-policy": {
        "keywords": ("ESG", "life-cycle assessment", "LCA", "water", "policy", "sostenibilidad"),
        "en": (
            "Assesses the life-cycle impacts of lithium supply chains and community consent "
            "around the {salar}.",
        ),
        "es": (
            "Analiza la gobernanza del litio y el uso del agua en comunidades cercanas al {salar}.",
        ),
        "pt": ("Analisa políticas públicas para cadeias de valor de baterias no Brasil.",),
        "titles": (
            "Life-cycle assessment of lithium from the {salar}",
            "Gobernanza del litio y comunidades del {salar}",
        ),
    },
}
_GENERAL_KEYWORDS = ("lithium", "litio", "lítio", "batteries", "baterías", "energy storage")
#: Every keyword a record can carry (removing demo data deletes the unused ones).
KEYWORDS: frozenset[str] = frozenset(
    [keyword for theme in THEMES.values() for keyword in theme["keywords"]]
    + list(_GENERAL_KEYWORDS)
)
#: Topic slugs a record can carry; every one is seeded by directory migration 0002.
TOPIC_SLUGS: tuple[str, ...] = tuple(THEMES)
# Latin American researchers lean to raw materials; UK ones to cells and characterisation.
_TOPIC_WEIGHTS = {
    "GB": (2, 2, 3, 6, 5, 6, 5, 5, 5, 6, 5, 2, 3),
    "LA": (7, 5, 3, 4, 3, 2, 3, 2, 3, 3, 5, 3, 5),
}
_COLLABORATION = {
    "en": (
        "Keen to host visiting researchers from Latin America.",
        "Interested in joint PhD projects between the UK and Latin America.",
        "Happy to share cell-testing capacity with network members.",
    ),
    "es": (
        "Busca colaboraciones con grupos del Reino Unido.",
        "Recibe estudiantes de doctorado para estancias de investigación.",
    ),
    "pt": (
        "Tem interesse em colaborações com grupos do Reino Unido.",
        "Recebe estudantes para estágios de pesquisa.",
    ),
}
_VENUES = (
    "Journal of Demo Battery Science",
    "Fictional Electrochemistry Letters",
    "Revista Ficticia de Electroquímica",
    "Anais Fictícios de Materiais",
    "Demo Journal of Energy Storage",
    "Imaginary Materials Chemistry A",
    "Proceedings of the Demo Lithium Symposium",
)

# Job titles per career stage: English ones, then (masculine, feminine) local ones.
_TITLES_EN = {
    CareerStage.DOCTORAL: ("PhD candidate", "Doctoral researcher"),
    CareerStage.EARLY: ("Postdoctoral research associate", "Research fellow"),
    CareerStage.MID: ("Lecturer in Electrochemistry", "Senior lecturer", "Associate professor"),
    CareerStage.SENIOR: (
        "Professor of Electrochemistry",
        "Professor of Materials Chemistry",
        "Reader in Energy Materials",
    ),
    CareerStage.INDUSTRY: ("Senior battery engineer", "R&D scientist", "Process engineer"),
}
_TITLES_LOCAL = {
    "es": {
        CareerStage.DOCTORAL: (("Estudiante de doctorado", "Estudiante de doctorado"),),
        CareerStage.EARLY: (("Investigador posdoctoral", "Investigadora posdoctoral"),),
        CareerStage.MID: (("Profesor asociado", "Profesora asociada"),),
        CareerStage.SENIOR: (
            ("Profesor titular", "Profesora titular"),
            ("Investigador principal", "Investigadora principal"),
        ),
        CareerStage.INDUSTRY: (("Ingeniero de procesos", "Ingeniera de procesos"),),
    },
    "pt": {
        CareerStage.DOCTORAL: (("Doutorando", "Doutoranda"),),
        CareerStage.EARLY: (("Pesquisador de pós-doutorado", "Pesquisadora de pós-doutorado"),),
        CareerStage.MID: (("Professor adjunto", "Professora adjunta"),),
        CareerStage.SENIOR: (("Professor titular", "Professora titular"),),
        CareerStage.INDUSTRY: (("Engenheiro de P&D", "Engenheira de P&D"),),
    },
}
_STAGES = tuple(_TITLES_EN)
_STAGE_WEIGHTS = (20, 25, 25, 18, 12)
_OPEN_TO_SHARE = {
    OpenTo.COLLABORATION: 0.75,
    OpenTo.VISITING: 0.4,
    OpenTo.PHD_SUPERVISION: 0.35,
    OpenTo.INDUSTRY: 0.4,
    OpenTo.MENTORING: 0.3,
}
_EXTRA_LANGUAGES = {
    "GB": (("es", 0.18), ("pt", 0.06), ("fr", 0.12), ("de", 0.08), ("cy", 0.03)),
    "BR": (("en", 0.9), ("es", 0.45), ("fr", 0.05)),
    "BO": (("en", 0.8), ("pt", 0.1), ("qu", 0.08), ("ay", 0.08)),
    "PE": (("en", 0.8), ("pt", 0.1), ("qu", 0.08)),
    "*": (("en", 0.85), ("pt", 0.15), ("fr", 0.05)),
}

# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------


NamePool = tuple[tuple[str, ...], list[float] | None]  # names, cumulative weights or None


@functools.cache
def name_pools(locale: str) -> tuple[NamePool, NamePool, NamePool]:
    """(female given names, male given names, family names) of a Faker locale.

    Read straight from Faker's person provider for the locale, with its weights where
    it has them (common names stay common). Choosing from these with our own
    random.Random is deterministic and far cheaper than a `Faker(locale)` per locale
    (which loads every provider) plus a Faker call per name.
    """
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider

    def pool(names: Sequence[str] | dict[str, float]) -> NamePool:
        if isinstance(names, dict):
            return tuple(names), _cumulative(names.values())
        return tuple(names), None

    return (
        pool(provider.first_names_female),
        pool(provider.first_names_male),
        pool(provider.last_names),
    )


@functools.lru_cache(maxsize=65_536)
def ascii_slug(text: str, sep: str = ".") -> str:
    """Lower-case ASCII for e-mail local parts: 'José María' -> 'jose.maria'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()
    return sep.join(parts)


def fictional_orcid(index: int, seed: int = 0) -> str:
    """A valid ORCID iD in the unallocated 0000-0000- block, unique per (seed, index).

    Real ORCID iDs are issued from 0000-0001-5000-0007 upwards (and 0009-), so these
    pass the check-character validation without ever naming a real person.
    """
    value = (index * 7_654_321 + seed * 1_234_567 + 1) % 10**7  # a permutation of 0..10**7
    base = f"00000000{value:07d}"
    digits = base + orcid_check_character(base)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def _fill(template: str, slots: dict[str, str]) -> str:
    return template.format_map(slots) if "{" in template else template


def _cumulative(weights: Iterable[float]) -> list[float]:
    return list(itertools.accumulate(weights))


# --------------------------------------------------------------------------------------
# The record stream
# --------------------------------------------------------------------------------------


def generate_researchers(n: int, seed: int = 0) -> Iterator[Record]:
    """Yield `n` fictional researcher records as plain data, deterministically for `seed`.

    Each record has: given_name, family_name, email, job_title, career_stage, country,
    institution (a dict from INSTITUTIONS), affiliations (list of such dicts), topics
    (Topic slugs), keywords, biography (HTML), languages (ISO 639-1 codes), orcid (or ""),
    open_to (OpenTo values), publications (dicts of title/year/venue/doi) and links
    (dicts of url/label). Picks use `random()` and `bisect` rather than
    `random.choices`, which builds a list per call; 100,000 records take about 10 s on
    a 2-core VM, small next to the database writes.
    """
    rand = random.Random(seed).random

    def pick(seq: Sequence[Any]) -> Any:
        return seq[int(rand() * len(seq))]

    def weighted(seq: Sequence[Any], cum: list[float]) -> Any:
        return seq[bisect.bisect(cum, rand() * cum[-1])]

    def from_pool(pool: NamePool) -> str:
        names, cum = pool
        return pick(names) if cum is None else weighted(names, cum)

    countries = list(COUNTRY_WEIGHTS)
    country_cum = _cumulative(COUNTRY_WEIGHTS.values())
    institution_cum = {
        code: _cumulative(1 / (rank + 1.5) for rank in range(len(specs)))
        for code, specs in _INSTITUTIONS_BY_COUNTRY.items()
    }
    locale_choices = {
        code: ([loc for loc, _ in locales], _cumulative(w for _, w in locales))
        for code, locales in _LOCALES.items()
    }
    topic_cum = {key: _cumulative(w) for key, w in _TOPIC_WEIGHTS.items()}
    stage_cum = _cumulative(_STAGE_WEIGHTS)
    topic_count_cum = _cumulative((30, 40, 20, 10))
    publication_count_cum = _cumulative((15, 20, 25, 20, 12, 8))
    open_to_shares = [(str(value), share) for value, share in _OPEN_TO_SHARE.items()]
    slot_items = list(_SLOTS.items())
    emails: set[str] = set()
    doi_counter = seed * 10_000_000

    for index in range(n):
        # The first records visit every country once, so small samples cover them all.
        country = countries[index] if index < len(countries) else weighted(countries, country_cum)
        institution = weighted(_INSTITUTIONS_BY_COUNTRY[country], institution_cum[country])
        locale = weighted(*locale_choices[country])
        female_names, male_names, family_names = name_pools(locale)
        female = rand() < 0.5
        given_name = from_pool(female_names if female else male_names)
        family_name = from_pool(family_names)
        if locale != "en_GB" and rand() < 0.35:
            second = from_pool(family_names)  # two surnames, as is common in Latin America
            if second != family_name:
                family_name = f"{family_name} {second}"

        domain = institution["domain"]
        local = f"{ascii_slug(given_name)}.{ascii_slug(family_name)}"
        email, k = f"{local}@{domain}", 2
        while email in emails:
            email, k = f"{local}{k}@{domain}", k + 1
        emails.add(email)

        if country == "GB":
            main_language = "en" if locale == "en_GB" else ("pt" if locale == "pt_BR" else "es")
            languages = ["en"] if main_language == "en" else ["en", main_language]
        else:
            main_language = _COUNTRY_LANGUAGE.get(country, "es")
            languages = [main_language]
        for code, share in _EXTRA_LANGUAGES.get(country, _EXTRA_LANGUAGES["*"]):
            if rand() < share and code not in languages:
                languages.append(code)

        stage = weighted(_STAGES, stage_cum)
        local_titles = _TITLES_LOCAL.get(main_language)
        if country != "GB" and local_titles and rand() < 0.6:
            job_title = pick(local_titles[stage])[1 if female else 0]
        else:
            job_title = pick(_TITLES_EN[stage])

        cum = topic_cum["GB" if country == "GB" else "LA"]
        n_topics = 1 + bisect.bisect(topic_count_cum, rand() * topic_count_cum[-1])
        topics = list(dict.fromkeys(weighted(TOPIC_SLUGS, cum) for _ in range(n_topics)))
        metal = pick(_METALS)
        slots = {name: pick(values) for name, values in slot_items}
        slots.update(metal_en=metal[0], metal_es=metal[1], metal_pt=metal[2])

        keywords = []
        for slug in topics:
            vocabulary = THEMES[slug]["keywords"]
            i = int(rand() * len(vocabulary))
            j = int(rand() * (len(vocabulary) - 1))
            keywords += (vocabulary[i], vocabulary[j + (j >= i)])
        if rand() < 0.3:
            keywords.append(pick(_GENERAL_KEYWORDS))
        keywords = list(dict.fromkeys(keywords))

        # Biography: the first topic in the researcher's own language, then English (or,
        # for UK-based researchers, sometimes Spanish or Portuguese), then an invitation.
        first = THEMES[topics[0]]
        sentences = [_fill(pick(first[main_language]), slots)]
        second_theme = THEMES[topics[1]] if len(topics) > 1 else first
        second_language = "en" if main_language != "en" else pick(("en", "en", "es", "pt"))
        sentence = _fill(pick(second_theme[second_language]), slots)
        if sentence not in sentences:
            sentences.append(sentence)
        if rand() < 0.6:
            sentences.append(pick(_COLLABORATION[main_language if rand() < 0.5 else "en"]))
        biography = "".join(f"<p>{sentence}</p>" for sentence in sentences)

        affiliations = []
        if rand() < 0.2:
            # Cross-region affiliations are the network's reason to exist.
            other = pick(LATIN_AMERICAN_COUNTRIES) if country == "GB" else "GB"
            affiliations.append(pick(_INSTITUTIONS_BY_COUNTRY[other]))

        publications = []
        titles: set[str] = set()
        for position in range(bisect.bisect(publication_count_cum, rand() * 100)):
            title = _fill(pick(THEMES[topics[position % len(topics)]]["titles"]), slots)
            if title in titles:
                continue
            titles.add(title)
            doi_counter += 1
            publications.append(
                {
                    "title": title,
                    "year": 2010 + int(rand() * 16),
                    "venue": pick(_VENUES),
                    "doi": f"10.5555/demo.{doi_counter}",
                }
            )

        links = []
        if rand() < 0.4:
            path = f"{ascii_slug(given_name, '-')}-{ascii_slug(family_name, '-')}"
            links.append({"url": f"https://{domain}/people/{path}/", "label": "Group page"})

        yield {
            "given_name": given_name,
            "family_name": family_name,
            "email": email,
            "job_title": job_title,
            "career_stage": stage.value,
            "country": country,
            "institution": institution,
            "affiliations": affiliations,
            "topics": topics,
            "keywords": keywords,
            "biography": biography,
            "languages": languages,
            "orcid": fictional_orcid(index, seed) if rand() < 0.8 else "",
            "open_to": [value for value, share in open_to_shares if rand() < share],
            "publications": publications,
            "links": links,
        }


# --------------------------------------------------------------------------------------
# Writing to the database
# --------------------------------------------------------------------------------------


def ensure_institutions(
    specs: Iterable[Record], cache: dict[str, Institution] | None = None
) -> dict[str, Institution]:
    """Institutions for `specs` by name, creating the missing ones with one bulk insert.

    `Institution.save()` looks up a unique slug with a query per row; here the slugs are
    computed against one read of the existing ones. The new rows are indexed for search
    in one call, as `save()` would have done one by one.
    """
    from django.utils.text import slugify
    from wagtail.search.backends import get_search_backends

    from directory.models import Institution

    cache = {} if cache is None else cache
    wanted = {spec["name"]: spec for spec in specs if spec["name"] not in cache}
    if not wanted:
        return cache
    for institution in Institution.objects.filter(name__in=wanted):
        cache[institution.name] = institution
    missing = [spec for name, spec in wanted.items() if name not in cache]
    if missing:
        taken = set(Institution.objects.values_list("slug", flat=True))
        new = []
        for spec in missing:
            base = slugify(spec["name"])[:100] or "institution"
            slug, k = base, 2
            while slug in taken:
                slug, k = f"{base}-{k}", k + 1
            taken.add(slug)
            fields = {key: spec[key] for key in ("name", "acronym", "kind", "country", "city")}
            new.append(Institution(slug=slug, website=spec["website"], **fields))
        Institution.objects.bulk_create(new)
        if any(obj.pk is None for obj in new):  # backends without RETURNING
            new = list(Institution.objects.filter(name__in=[spec["name"] for spec in missing]))
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(Institution, new)
        cache.update((obj.name, obj) for obj in new)
    return cache


def ensure_tags(names: Iterable[str]) -> None:
    """Create the keyword tags among `names` that do not exist yet, in one insert.

    Slugs are made unique against the database and against each other: "litio" and
    "lítio" both slugify to "litio", which `directory.bulk.set_relations` (it checks
    the database only) would otherwise turn into an IntegrityError.
    """
    from django.utils.text import slugify
    from taggit.models import Tag

    wanted = set(names) - set(
        Tag.objects.filter(name__in=set(names)).values_list("name", flat=True)
    )
    if not wanted:
        return
    bases = {name: slugify(name) or "keyword" for name in sorted(wanted)}
    taken = set(Tag.objects.values_list("slug", flat=True))  # a few hundred rows
    new = []
    for name, base in bases.items():
        slug, k = base, 2
        while slug in taken:
            slug, k = f"{base}-{k}", k + 1
        taken.add(slug)
        new.append(Tag(name=name, slug=slug))
    Tag.objects.bulk_create(new)


def write_researchers(
    records: Iterable[Record],
    *,
    total: int = 0,
    batch_size: int = 1000,
    progress: ProgressCallback | None = None,
    parent: DirectoryIndexPage | None = None,
    owner: AbstractBaseUser | None = None,
    photo_for: Callable[[Record], AbstractImage | None] | None = None,
) -> int:
    """Write generated records as published profiles, one transaction per batch.

    Institutions come first (bulk), then pages, profiles and relations through
    `directory.bulk.bulk_create_researchers`, then publications and links with one
    bulk insert each. `owner` becomes the pages' owner (the demo data uses it as its
    marker); `photo_for` picks a profile photo per record. Returns the number written.
    """
    from django.db import transaction

    from directory.bulk import BATCH_SIZE, NewResearcher, bulk_create_researchers
    from directory.models import (
        DirectoryIndexPage,
        Language,
        ResearcherLink,
        ResearcherPage,
        ResearcherPublication,
        Topic,
    )

    parent = parent or DirectoryIndexPage.objects.get()
    topic_ids = dict(Topic.objects.values_list("slug", "pk"))
    language_codes = set(Language.objects.values_list("code", flat=True))
    institutions: dict[str, Institution] = {}
    written = 0
    for batch in batched(records, batch_size):
        with transaction.atomic():
            ensure_institutions(
                (spec for r in batch for spec in (r["institution"], *r["affiliations"])),
                institutions,
            )
            ensure_tags({keyword for r in batch for keyword in r["keywords"]})
            items = []
            for r in batch:
                open_to = set(r["open_to"])
                page = ResearcherPage(
                    given_name=r["given_name"],
                    family_name=r["family_name"],
                    title=f"{r['given_name']} {r['family_name']}",
                    email=r["email"],
                    job_title=r["job_title"],
                    institution=institutions[r["institution"]["name"]],
                    career_stage=r["career_stage"],
                    biography=r["biography"],
                    orcid=r["orcid"],
                    owner=owner,
                    photo=photo_for(r) if photo_for else None,
                    **{field: value in open_to for value, field in OPEN_TO_FIELDS.items()},
                )
                items.append(
                    NewResearcher(
                        page=page,
                        topic_ids=[topic_ids[s] for s in r["topics"] if s in topic_ids],
                        language_codes=[c for c in r["languages"] if c in language_codes],
                        affiliation_ids=[institutions[a["name"]].pk for a in r["affiliations"]],
                        keywords=r["keywords"],
                    )
                )
            pages = bulk_create_researchers(items, parent)
            ResearcherPublication.objects.bulk_create(
                [
                    ResearcherPublication(page_id=page.pk, sort_order=position, **publication)
                    for page, r in zip(pages, batch, strict=True)
                    for position, publication in enumerate(r["publications"])
                ],
                batch_size=BATCH_SIZE,
            )
            ResearcherLink.objects.bulk_create(
                [
                    ResearcherLink(page_id=page.pk, sort_order=position, **link)
                    for page, r in zip(pages, batch, strict=True)
                    for position, link in enumerate(r["links"])
                ],
                batch_size=BATCH_SIZE,
            )
        written += len(pages)
        if progress:
            progress(written, total)
    return written


def create_researchers(
    n: int,
    seed: int = 0,
    batch_size: int = 1000,
    progress: ProgressCallback | None = None,
    *,
    wagtail_index: bool = False,
) -> int:
    """Generate `n` researchers for `seed` and write them below the directory page.

    `progress(done, total)` is called after each committed batch. Returns the number of
    profiles created. Benchmarks call this with 10,000 and 100,000.

    The directory search indexes every batch as usual (through
    `researchers_bulk_saved`). Wagtail's own search index, which only the admin's page
    search reads, is skipped unless `wagtail_index`: on PostgreSQL Wagtail's database
    backend spends ~6 ms a profile building `tsvector` SQL in Python, which is most of
    the time of a 100,000-profile run. `manage.py update_index` builds it later.
    """
    with contextlib.ExitStack() as stack:
        if not wagtail_index:
            stack.enter_context(_wagtail_search_auto_update_off())
        return write_researchers(
            generate_researchers(n, seed), total=n, batch_size=batch_size, progress=progress
        )


def _wagtail_search_auto_update_off() -> contextlib.AbstractContextManager:
    """Settings under which Wagtail's search backends ignore saves (AUTO_UPDATE False)."""
    from django.conf import settings
    from django.test.utils import override_settings

    backends = getattr(settings, "WAGTAILSEARCH_BACKENDS", None) or {
        "default": {"BACKEND": "wagtail.search.backends.database"}
    }
    return override_settings(
        WAGTAILSEARCH_BACKENDS={
            name: {**config, "AUTO_UPDATE": False} for name, config in backends.items()
        }
    )

"""The fictional community's vocabulary: countries, institutions, name locales,
research themes, keywords, job titles and the shares that weight them.

Everything here is invented (see the package docstring); the generator draws on
these tables, and the demo data and tests read a few of them directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from directory.choices import CareerStage, InstitutionKind, OpenTo

if TYPE_CHECKING:
    pass


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
INSTITUTIONS_BY_COUNTRY: dict[str, list[Record]] = {
    code: [spec for spec in INSTITUTIONS if spec["country"] == code] for code in COUNTRY_WEIGHTS
}

# Faker locales per country with their shares. Faker has no Bolivian or Peruvian locale,
# so those borrow from their neighbours; Argentina and Chile mix in es_ES for accents.
LOCALES: dict[str, list[tuple[str, float]]] = {
    "GB": [("en_GB", 0.84), ("es_ES", 0.05), ("es_CO", 0.04), ("pt_BR", 0.04), ("es_MX", 0.03)],
    "AR": [("es_AR", 0.65), ("es_ES", 0.35)],
    "BO": [("es_CL", 0.4), ("es_MX", 0.4), ("es_ES", 0.2)],
    "BR": [("pt_BR", 1.0)],
    "CL": [("es_CL", 0.75), ("es_ES", 0.25)],
    "CO": [("es_CO", 1.0)],
    "MX": [("es_MX", 0.9), ("es_ES", 0.1)],
    "PE": [("es_CO", 0.4), ("es_MX", 0.3), ("es_ES", 0.3)],
}
COUNTRY_LANGUAGE = {"GB": "en", "BR": "pt"}  # everyone else writes Spanish first

# --------------------------------------------------------------------------------------
# Battery vocabulary: topic slugs (from directory/migrations/0002) to keywords and sentences
# --------------------------------------------------------------------------------------

#: Slots of the same words in every language (translated ones are in
#: `directory.fictional.biographies.ALIGNED_SLOTS`).
SLOTS: dict[str, Sequence[str]] = {
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
}

#: Per topic: keywords a profile on it may carry, and publication titles (the
#: biographies' sentences are in `directory.fictional.biographies`).
THEMES: dict[str, dict[str, Sequence[str]]] = {
    "direct-lithium-extraction": {
        "keywords": ("brine", "DLE", "salmuera", "ion exchange", "lithium sorbents", "salmoura"),
        "titles": (
            "Direct lithium extraction from {salar} brine with layered sorbents",
            "Extracción directa de litio desde salmueras del {salar}",
            "Water use of DLE compared with evaporation ponds in the {salar}",
        ),
    },
    "lithium-refining-and-chemicals": {
        "keywords": ("lithium carbonate", "lithium hydroxide", "refining", "carbonato de litio"),
        "titles": (
            "Battery-grade lithium hydroxide from {salar} concentrate",
            "Cristalización de carbonato de litio: impurezas y rendimiento",
        ),
    },
    "pcam": {
        "keywords": ("pCAM", "co-precipitation", "precursor", "hydroxide precursors"),
        "titles": (
            "Particle growth during co-precipitation of {cathode} precursors",
            "Control of morphology in pCAM synthesis",
        ),
    },
    "cam": {
        "keywords": ("NMC811", "LFP", "cátodo", "cathode", "single-crystal cathodes", "LMFP"),
        "titles": (
            "Surface reconstruction of {cathode} cathodes observed by {technique}",
            "Single-crystal {cathode}: cracking, cycling and cost",
            "Degradación de cátodos {cathode} a alto voltaje",
        ),
    },
    "anode-materials": {
        "keywords": ("graphite", "silicon anodes", "hard carbon", "ánodo", "SEI"),
        "titles": (
            "SEI evolution on {anode} anodes during fast charging",
            "Ânodos de {anode}: síntese e desempenho eletroquímico",
        ),
    },
    "electrolytes-and-solid-state-batteries": {
        "keywords": ("solid-state", "solid electrolytes", "LLZO", "electrolito", "interfaces"),
        "titles": (
            "Interfacial stability of {electrolyte} against lithium metal",
            "Baterías de estado sólido con {electrolyte}",
        ),
    },
    "sodium-ion-and-next-generation-chemistries": {
        "keywords": ("sodium-ion", "Na-ion", "ion-sodio", "íon-sódio", "lithium-sulfur"),
        "titles": (
            "Sodium-ion full cells with hard carbon from agricultural waste",
            "Baterias de íon-sódio: materiais abundantes e de baixo custo",
        ),
    },
    "cell-design-manufacturing-and-scale-up": {
        "keywords": ("gigafactory", "electrode drying", "dry coating", "scale-up", "pouch cells"),
        "titles": (
            "Dry electrode coating for {cathode} pouch cells",
            "From coin cell to pouch cell: scale-up pitfalls",
        ),
    },
    "battery-management-modelling-and-testing": {
        "keywords": ("BMS", "state of health", "modelling", "PyBaMM", "degradation modelling"),
        "titles": (
            "State-of-health estimation for {cathode} cells under real drive cycles",
            "Modelos de degradación para baterías de litio en climas de altura",
        ),
    },
    "characterisation": {
        "keywords": ("HAXPES", "XPS", "FIB-SEM", "operando", "synchrotron", "caracterización"),
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
        "titles": (
            "Selective leaching of {metal_en} from black mass",
            "Reciclaje hidrometalúrgico de baterías de ion-litio",
            "Reciclagem de baterias: da massa negra ao precursor",
        ),
    },
    "second-life": {
        "keywords": ("second life", "repurposing", "segunda vida", "microgrids"),
        "titles": (
            "Second-life {cathode} modules in off-grid storage",
            "Baterías de segunda vida para microrredes rurales",
        ),
    },
    "esg-sustainability-and-policy": {
        "keywords": ("ESG", "life-cycle assessment", "LCA", "water", "policy", "sostenibilidad"),
        "titles": (
            "Life-cycle assessment of lithium from the {salar}",
            "Gobernanza del litio y comunidades del {salar}",
        ),
    },
}
GENERAL_KEYWORDS = ("lithium", "litio", "lítio", "batteries", "baterías", "energy storage")
#: Every keyword a record can carry (removing demo data deletes the unused ones).
KEYWORDS: frozenset[str] = frozenset(
    [keyword for theme in THEMES.values() for keyword in theme["keywords"]] + list(GENERAL_KEYWORDS)
)
#: Topic slugs a record can carry; every one is seeded by directory migration 0002.
TOPIC_SLUGS: tuple[str, ...] = tuple(THEMES)
# Latin American researchers lean to raw materials; UK ones to cells and characterisation.
TOPIC_WEIGHTS = {
    "GB": (2, 2, 3, 6, 5, 6, 5, 5, 5, 6, 5, 2, 3),
    "LA": (7, 5, 3, 4, 3, 2, 3, 2, 3, 3, 5, 3, 5),
}
VENUES = (
    "Journal of Demo Battery Science",
    "Fictional Electrochemistry Letters",
    "Revista Ficticia de Electroquímica",
    "Anais Fictícios de Materiais",
    "Demo Journal of Energy Storage",
    "Imaginary Materials Chemistry A",
    "Proceedings of the Demo Lithium Symposium",
)

# Job titles per career stage: English ones, then (masculine, feminine) local ones.
TITLES_EN = {
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
TITLES_LOCAL = {
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
STAGES = tuple(TITLES_EN)
STAGE_WEIGHTS = (20, 25, 25, 18, 12)
OPEN_TO_SHARE = {
    OpenTo.COLLABORATION: 0.75,
    OpenTo.VISITING: 0.4,
    OpenTo.PHD_SUPERVISION: 0.35,
    OpenTo.INDUSTRY: 0.4,
    OpenTo.MENTORING: 0.3,
}
EXTRA_LANGUAGES = {
    "GB": (("es", 0.18), ("pt", 0.06), ("fr", 0.12), ("de", 0.08), ("cy", 0.03)),
    "BR": (("en", 0.9), ("es", 0.45), ("fr", 0.05)),
    "BO": (("en", 0.8), ("pt", 0.1), ("qu", 0.08), ("ay", 0.08)),
    "PE": (("en", 0.8), ("pt", 0.1), ("qu", 0.08)),
    "*": (("en", 0.85), ("pt", 0.15), ("fr", 0.05)),
}

# --------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------

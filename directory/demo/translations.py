"""Spanish and Portuguese names of the seeded taxonomy, filled in by the demo data.

The topics and spoken languages come from migration 0002 with English names (and,
for languages, their own); a real site's editors translate them in the admin. The
demo fills in every name still empty, so the demo reads naturally in all three
languages; names an editor (or a migration) already gave are left alone.
"""

from __future__ import annotations

#: Topic slug -> (Spanish, Brazilian Portuguese).
TOPIC_NAMES: dict[str, tuple[str, str]] = {
    "raw-materials": ("Materias primas", "Matérias-primas"),
    "direct-lithium-extraction": ("Extracción directa de litio", "Extração direta de lítio"),
    "lithium-refining-and-chemicals": (
        "Refinación de litio y productos químicos",
        "Refino de lítio e produtos químicos",
    ),
    "electrode-and-electrolyte-materials": (
        "Materiales de electrodos y electrolitos",
        "Materiais de eletrodos e eletrólitos",
    ),
    "pcam": (
        "Precursores de materiales activos de cátodo (pCAM)",
        "Precursores de materiais ativos de cátodo (pCAM)",
    ),
    "cam": ("Materiales activos de cátodo (CAM)", "Materiais ativos de cátodo (CAM)"),
    "anode-materials": ("Materiales de ánodo", "Materiais de ânodo"),
    "electrolytes-and-solid-state-batteries": (
        "Electrolitos y baterías de estado sólido",
        "Eletrólitos e baterias de estado sólido",
    ),
    "sodium-ion-and-next-generation-chemistries": (
        "Ion-sodio y químicas de nueva generación",
        "Íon-sódio e químicas de nova geração",
    ),
    "cells-and-systems": ("Celdas y sistemas", "Células e sistemas"),
    "cell-design-manufacturing-and-scale-up": (
        "Diseño, fabricación y escalado de celdas",
        "Projeto, fabricação e escalonamento de células",
    ),
    "battery-management-modelling-and-testing": (
        "Gestión, modelado y ensayos de baterías",
        "Gerenciamento, modelagem e testes de baterias",
    ),
    "characterisation": ("Caracterización", "Caracterização"),
    "circular-economy": ("Economía circular", "Economia circular"),
    "recycling-and-circular-supply-chains": (
        "Reciclaje y cadenas de suministro circulares",
        "Reciclagem e cadeias de suprimento circulares",
    ),
    "second-life": ("Segunda vida", "Segunda vida"),
    "esg-sustainability-and-policy": (
        "ESG, sostenibilidad y políticas públicas",
        "ESG, sustentabilidade e políticas públicas",
    ),
}

#: ISO 639-1 code -> (Spanish, Brazilian Portuguese), capitalised as list labels.
LANGUAGE_NAMES: dict[str, tuple[str, str]] = {
    "en": ("Inglés", "Inglês"),
    "es": ("Español", "Espanhol"),
    "pt": ("Portugués", "Português"),
    "fr": ("Francés", "Francês"),
    "de": ("Alemán", "Alemão"),
    "it": ("Italiano", "Italiano"),
    "nl": ("Neerlandés", "Holandês"),
    "pl": ("Polaco", "Polonês"),
    "cy": ("Galés", "Galês"),
    "ga": ("Irlandés", "Irlandês"),
    "gd": ("Gaélico escocés", "Gaélico escocês"),
    "qu": ("Quechua", "Quíchua"),
    "ay": ("Aimara", "Aimará"),
    "gn": ("Guaraní", "Guarani"),
    "zh": ("Chino", "Chinês"),
    "ja": ("Japonés", "Japonês"),
    "ko": ("Coreano", "Coreano"),
    "hi": ("Hindi", "Híndi"),
    "ar": ("Árabe", "Árabe"),
    "ru": ("Ruso", "Russo"),
    "tr": ("Turco", "Turco"),
    "el": ("Griego", "Grego"),
    "sv": ("Sueco", "Sueco"),
    "no": ("Noruego", "Norueguês"),
    "da": ("Danés", "Dinamarquês"),
    "fi": ("Finés", "Finlandês"),
    "ro": ("Rumano", "Romeno"),
    "uk": ("Ucraniano", "Ucraniano"),
    "fa": ("Persa", "Persa"),
    "ur": ("Urdu", "Urdu"),
    "bn": ("Bengalí", "Bengali"),
    "id": ("Indonesio", "Indonésio"),
    "vi": ("Vietnamita", "Vietnamita"),
    "he": ("Hebreo", "Hebraico"),
    "ca": ("Catalán", "Catalão"),
    "eu": ("Euskera", "Basco"),
}


def translate_taxonomy() -> int:
    """Fill the empty Spanish and Portuguese names of topics and languages; how many rows
    changed."""
    from directory.models import Language, Topic

    changed = 0
    for model, key, names in ((Topic, "slug", TOPIC_NAMES), (Language, "code", LANGUAGE_NAMES)):
        for row in model.objects.filter(**{f"{key}__in": names}):
            if row.name_es and row.name_pt:
                continue
            name_es, name_pt = names[getattr(row, key)]
            row.name_es = row.name_es or name_es
            row.name_pt = row.name_pt or name_pt
            # One save each (a few dozen): topics are in Wagtail's search index.
            row.save(update_fields=["name_es", "name_pt"])
            changed += 1
    return changed

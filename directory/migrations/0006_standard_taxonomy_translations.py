"""Spanish and Portuguese names, and a few synonyms, for the standard taxonomy.

Migration 0002 seeded the topics and spoken languages in English; this one gives
them their Spanish and Brazilian Portuguese names, and the topics the synonyms
people actually search with (acronyms, other spellings). Only empty fields are
filled, so names an editor has already written are kept; slugs and codes are
never touched. Reversing leaves the names: they are content by then.
"""

from django.db import migrations

# slug: (Spanish, Portuguese, synonyms)
TOPICS = {
    "raw-materials": ("Materias primas", "Matérias-primas", ["critical minerals"]),
    "direct-lithium-extraction": (
        "Extracción directa de litio",
        "Extração direta de lítio",
        ["DLE", "EDL"],
    ),
    "lithium-refining-and-chemicals": (
        "Refinación de litio y productos químicos",
        "Refino de lítio e produtos químicos",
        [
            "lithium carbonate",
            "lithium hydroxide",
            "carbonato de litio",
            "hidróxido de litio",
        ],
    ),
    "electrode-and-electrolyte-materials": (
        "Materiales de electrodos y electrolitos",
        "Materiais de eletrodos e eletrólitos",
        [],
    ),
    "pcam": (
        "Materiales precursores de cátodo (pCAM)",
        "Materiais precursores de cátodo (pCAM)",
        [],
    ),
    "cam": (
        "Materiales activos de cátodo (CAM)",
        "Materiais ativos de cátodo (CAM)",
        ["NMC", "LFP", "NCA"],
    ),
    "anode-materials": ("Materiales de ánodo", "Materiais de ânodo", ["graphite", "grafito"]),
    "electrolytes-and-solid-state-batteries": (
        "Electrolitos y baterías de estado sólido",
        "Eletrólitos e baterias de estado sólido",
        ["SSB"],
    ),
    "sodium-ion-and-next-generation-chemistries": (
        "Ion sodio y químicas de nueva generación",
        "Íon-sódio e químicas de nova geração",
        ["Na-ion", "SIB"],
    ),
    "cells-and-systems": ("Celdas y sistemas", "Células e sistemas", []),
    "cell-design-manufacturing-and-scale-up": (
        "Diseño, fabricación y escalado de celdas",
        "Projeto, fabricação e escalonamento de células",
        ["gigafactory", "gigafábrica"],
    ),
    "battery-management-modelling-and-testing": (
        "Gestión, modelado y ensayo de baterías",
        "Gerenciamento, modelagem e testes de baterias",
        ["BMS", "battery modeling"],
    ),
    "characterisation": ("Caracterización", "Caracterização", ["characterization"]),
    "circular-economy": ("Economía circular", "Economia circular", []),
    "recycling-and-circular-supply-chains": (
        "Reciclaje y cadenas de suministro circulares",
        "Reciclagem e cadeias de suprimentos circulares",
        ["black mass", "masa negra", "massa negra"],
    ),
    "second-life": (
        "Segunda vida",
        "Segunda vida",
        ["reuse", "reutilización", "reutilização"],
    ),
    "esg-sustainability-and-policy": (
        "ASG, sostenibilidad y políticas públicas",
        "ESG, sustentabilidade e políticas públicas",
        ["ASG", "LCA", "ACV", "life cycle assessment"],
    ),
}

# code: (Spanish, Portuguese)
LANGUAGES = {
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


def translate(apps, schema_editor):
    Topic = apps.get_model("directory", "Topic")
    Language = apps.get_model("directory", "Language")
    for topic in Topic.objects.filter(slug__in=TOPICS):
        spanish, portuguese, synonyms = TOPICS[topic.slug]
        topic.name_es = topic.name_es or spanish
        topic.name_pt = topic.name_pt or portuguese
        topic.synonyms = topic.synonyms or "\n".join(synonyms)
        topic.save(update_fields=["name_es", "name_pt", "synonyms"])
    for language in Language.objects.filter(code__in=LANGUAGES):
        spanish, portuguese = LANGUAGES[language.code]
        language.name_es = language.name_es or spanish
        language.name_pt = language.name_pt or portuguese
        language.save(update_fields=["name_es", "name_pt"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0005_vocabulary_labels")]
    operations = [migrations.RunPython(translate, migrations.RunPython.noop)]

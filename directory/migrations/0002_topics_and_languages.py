"""Seed the topic taxonomy and the spoken languages researchers can list."""

from django.db import migrations

TOPICS = [
    (
        "Raw materials",
        "raw-materials",
        [
            ("Direct lithium extraction", "direct-lithium-extraction"),
            ("Lithium refining and chemicals", "lithium-refining-and-chemicals"),
        ],
    ),
    (
        "Electrode and electrolyte materials",
        "electrode-and-electrolyte-materials",
        [
            ("Precursor cathode active materials (pCAM)", "pcam"),
            ("Cathode active materials (CAM)", "cam"),
            ("Anode materials", "anode-materials"),
            ("Electrolytes and solid-state batteries", "electrolytes-and-solid-state-batteries"),
            (
                "Sodium-ion and next-generation chemistries",
                "sodium-ion-and-next-generation-chemistries",
            ),
        ],
    ),
    (
        "Cells and systems",
        "cells-and-systems",
        [
            ("Cell design, manufacturing and scale-up", "cell-design-manufacturing-and-scale-up"),
            (
                "Battery management, modelling and testing",
                "battery-management-modelling-and-testing",
            ),
            ("Characterisation", "characterisation"),
        ],
    ),
    (
        "Circular economy",
        "circular-economy",
        [
            ("Recycling and circular supply chains", "recycling-and-circular-supply-chains"),
            ("Second life", "second-life"),
        ],
    ),
    ("ESG, sustainability and policy", "esg-sustainability-and-policy", []),
]

LANGUAGES = [
    ("en", "English", "English"),
    ("es", "Spanish", "Español"),
    ("pt", "Portuguese", "Português"),
    ("fr", "French", "Français"),
    ("de", "German", "Deutsch"),
    ("it", "Italian", "Italiano"),
    ("nl", "Dutch", "Nederlands"),
    ("pl", "Polish", "Polski"),
    ("cy", "Welsh", "Cymraeg"),
    ("ga", "Irish", "Gaeilge"),
    ("gd", "Scottish Gaelic", "Gàidhlig"),
    ("qu", "Quechua", "Runa simi"),
    ("ay", "Aymara", "Aymar aru"),
    ("gn", "Guarani", "Avañe'ẽ"),
    ("zh", "Chinese", "中文"),
    ("ja", "Japanese", "日本語"),
    ("ko", "Korean", "한국어"),
    ("hi", "Hindi", "हिन्दी"),
    ("ar", "Arabic", "العربية"),
    ("ru", "Russian", "Русский"),
    ("tr", "Turkish", "Türkçe"),
    ("el", "Greek", "Ελληνικά"),
    ("sv", "Swedish", "Svenska"),
    ("no", "Norwegian", "Norsk"),
    ("da", "Danish", "Dansk"),
    ("fi", "Finnish", "Suomi"),
    ("ro", "Romanian", "Română"),
    ("uk", "Ukrainian", "Українська"),
    ("fa", "Persian", "فارسی"),
    ("ur", "Urdu", "اردو"),
    ("bn", "Bengali", "বাংলা"),
    ("id", "Indonesian", "Bahasa Indonesia"),
    ("vi", "Vietnamese", "Tiếng Việt"),
    ("he", "Hebrew", "עברית"),
    ("ca", "Catalan", "Català"),
    ("eu", "Basque", "Euskara"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("directory", "Topic")
    Language = apps.get_model("directory", "Language")
    order = 0
    for name, slug, children in TOPICS:
        order += 1
        parent, _ = Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "sort_order": order}
        )
        for child_name, child_slug in children:
            order += 1
            Topic.objects.get_or_create(
                slug=child_slug,
                defaults={"name": child_name, "parent": parent, "sort_order": order},
            )
    for code, name, native in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": name, "native_name": native})


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

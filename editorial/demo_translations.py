"""Spanish and Portuguese versions of some demo news items (issue 9, point 10), made the
way an editor would: a copy for translation in the locale, then a published revision."""

from __future__ import annotations

from typing import Any

from wagtail.models import Locale

from editorial.models import NewsPage

#: English title → {language: (title, summary, body paragraphs)}.
NEWS_TRANSLATIONS: dict[str, dict[str, tuple[str, str, list[str]]]] = {
    "Visiting fellowships between UK and Latin American battery labs": {
        "es": (
            "Becas de estancia entre laboratorios de baterías del Reino Unido y América Latina",
            "Doce estancias de tres meses para investigadores en etapa inicial, en ambos sentidos.",
            [
                "La red abre su primera convocatoria de becas de estancia: doce estancias de "
                "tres meses para doctorandos e investigadores en etapa inicial que viajen "
                "entre el Reino Unido y Argentina, Bolivia, Brasil, Chile, Colombia, México "
                "y Perú.",
                "Las solicitudes pueden presentarse en inglés, español o portugués.",
            ],
        ),
        "pt-br": (
            "Bolsas de intercâmbio entre laboratórios de baterias do Reino Unido e da "
            "América Latina",
            "Doze estágios de três meses para pesquisadores em início de carreira, nos dois "
            "sentidos.",
            [
                "A rede abre sua primeira chamada de bolsas de intercâmbio: doze estágios de "
                "três meses para doutorandos e pesquisadores em início de carreira que "
                "circulem entre o Reino Unido e Argentina, Bolívia, Brasil, Chile, Colômbia, "
                "México e Peru.",
                "As inscrições podem ser feitas em inglês, espanhol ou português.",
            ],
        ),
    },
    "Field school at the Salar de Uyuni: brines, DLE and water": {
        "es": (
            "Escuela de campo en el Salar de Uyuni: salmueras, EDL y agua",
            "Una semana en el salar con hidrogeólogos, químicos y comunidades locales.",
            [
                "Veinte doctorandos pasarán una semana en el Salar de Uyuni aprendiendo cómo "
                "se muestrean las salmueras, cómo funcionan los equipos de extracción directa "
                "de litio y cómo se acuerdan los balances hídricos con las comunidades que "
                "viven allí.",
            ],
        ),
        "pt-br": (
            "Escola de campo no Salar de Uyuni: salmouras, EDL e água",
            "Uma semana no salar com hidrogeólogos, químicos e comunidades locais.",
            [
                "Vinte doutorandos passarão uma semana no Salar de Uyuni aprendendo como as "
                "salmouras são amostradas, como operam os equipamentos de extração direta de "
                "lítio e como os balanços hídricos são negociados com as comunidades que "
                "vivem ali.",
            ],
        ),
    },
}

#: The pages above the news that a translation needs, in each language.
PARENT_TITLES = {
    "es": {"news": "Noticias"},
    "pt-br": {"news": "Notícias"},
}


def translate_demo_news(user: Any) -> int:
    """Publish the translations above; returns how many pages were written."""
    written = 0
    for english in NewsPage.objects.filter(owner=user, title__in=list(NEWS_TRANSLATIONS)):
        for language, (title, summary, paragraphs) in NEWS_TRANSLATIONS[english.title].items():
            locale = Locale.objects.get(language_code=language)
            if english.has_translation(locale):
                continue
            page = english.copy_for_translation(locale, copy_parents=True, alias=False)
            page.title, page.draft_title, page.summary = title, title, summary
            page.body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
            page.save_revision(user=user, log_action=False).publish(
                user=user, log_action=False, skip_permission_checks=True
            )
            _name_parent(page.get_parent().specific, language, user)
            written += 1
    return written


def _name_parent(index: Any, language: str, user: Any) -> None:
    """The news index copied with the first translation gets its title in the language.

    Wagtail makes the missing parents aliases of the English pages; an alias follows its
    source, so it is turned into a page of its own first (as "Convert alias" does)."""
    title = PARENT_TITLES[language]["news"]
    if index.alias_of_id:
        index.alias_of_id = None
        index.save(update_fields=["alias_of_id"], clean=False)
    if index.title != title:
        index.title = index.draft_title = title
        index.save_revision(user=user, log_action=False).publish(
            user=user, log_action=False, skip_permission_checks=True
        )

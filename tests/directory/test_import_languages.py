"""The import's language columns: bio_language, bio_es, bio_pt and preferred_language,
and its messages in the language of whoever runs it (issue 9, points 2 and 5)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from directory.importing import COLUMNS, import_researchers
from directory.models import ResearcherPage
from tests.directory.import_support import BAD_ORCID, ORCID, counts, make_csv, person

pytestmark = pytest.mark.django_db


def test_the_language_columns_are_documented_columns():
    for column in ("bio", "bio_language", "bio_es", "bio_pt", "preferred_language"):
        assert column in COLUMNS


def test_biographies_in_three_languages_and_a_preferred_language_are_imported():
    result = import_researchers(
        make_csv(
            person(
                bio="Works on silicon anodes.",
                bio_language="en",
                bio_es="Trabaja en ánodos de silicio.\n\nY en <b>celdas</b>.",
                bio_pt="Trabalha com ânodos de silício.",
                preferred_language="Português",
            )
        )
    )
    assert result.ok, result.errors
    page = ResearcherPage.objects.get()
    assert page.biography == "<p>Works on silicon anodes.</p>"
    assert (
        page.bio_es == "<p>Trabaja en ánodos de silicio.</p><p>Y en &lt;b&gt;celdas&lt;/b&gt;.</p>"
    )
    assert page.bio_pt == "<p>Trabalha com ânodos de silício.</p>"
    assert (page.bio_language, page.preferred_language) == ("en", "pt-br")
    with translation.override("es"):
        assert page.biography_for().language == "es"


def test_empty_language_cells_follow_the_languages_spoken():
    import_researchers(make_csv(person(bio="Pesquisa ânodos.", languages="pt; en")))
    page = ResearcherPage.objects.get()
    assert (page.bio_language, page.preferred_language) == ("", "")  # automatic
    assert page.original_bio_language() == "pt-br"
    assert page.contact_language() == "pt-br"


def test_updates_change_the_language_columns_and_leave_others_alone():
    import_researchers(make_csv(person(orcid=ORCID, bio="Original.", bio_es="Traducción.")))
    columns = ("given_name", "family_name", "orcid", "country", "preferred_language", "bio_pt")
    result = import_researchers(
        make_csv(person(orcid=ORCID, preferred_language="es", bio_pt="Tradução."), columns=columns)
    )
    assert result.ok and result.updated == 1, result.errors
    page = ResearcherPage.objects.get()
    assert page.preferred_language == "es"
    assert page.bio_pt == "<p>Tradução.</p>"
    assert page.bio_es == "<p>Traducción.</p>"  # the file has no bio_es column

    again = import_researchers(
        make_csv(person(orcid=ORCID, preferred_language="es", bio_pt="Tradução."), columns=columns)
    )
    assert again.unchanged == 1 and again.updated == 0


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("bio_language", "fr", '"fr" is not one of the site\'s languages; use en, es, pt-br.'),
        ("preferred_language", "Klingon", '"Klingon" is not one of the site\'s languages'),
        ("preferred_language", "es-ES", '"es-ES" is not one of the site\'s languages'),
    ],
)
def test_a_bad_language_is_an_error_naming_the_row_and_column(column, value, message):
    before = counts()
    result = import_researchers(
        make_csv(
            person(email="first@example.org"),  # line 2
            person(email="second@example.org", **{column: value}),  # line 3
        )
    )
    assert [(issue.line, issue.column) for issue in result.errors] == [(3, column)]
    assert message in result.errors[0].message
    assert str(result.errors[0]).startswith(f"line 3, column {column}: ")
    assert counts() == before  # nothing written, not even the valid row


def test_a_translation_into_the_biographys_own_language_is_an_error():
    result = import_researchers(make_csv(person(bio="Hola.", bio_language="es", bio_es="Hola.")))
    assert [(issue.line, issue.column) for issue in result.errors] == [(2, "bio_es")]
    assert "so it needs no Spanish translation" in result.errors[0].message
    assert ResearcherPage.objects.count() == 0


def test_the_clash_is_checked_against_the_stored_language_on_update():
    import_researchers(make_csv(person(orcid=ORCID, bio="Olá.", bio_language="pt-br")))
    columns = ("given_name", "family_name", "orcid", "country", "bio_pt")
    result = import_researchers(make_csv(person(orcid=ORCID, bio_pt="Olá."), columns=columns))
    assert [(issue.line, issue.column) for issue in result.errors] == [(2, "bio_pt")]


def test_errors_come_in_the_language_of_whoever_imports():
    data = make_csv(person(orcid=BAD_ORCID, preferred_language="fr", career_stage="Profesor"))
    with translation.override("es"):
        result = import_researchers(data)
        messages = [str(issue) for issue in result.errors]
        summary = result.summary()
    assert messages == [
        "línea 2, columna career_stage: «Profesor» no es una etapa de la carrera; usa una de "
        "estas: Estudiante de doctorado, Investigador/a en etapa inicial, Investigador/a en "
        "etapa intermedia, Investigador/a sénior, Investigador/a en la industria.",
        f"línea 2, columna orcid: {BAD_ORCID} no es un ORCID iD válido: su dígito de control "
        "no coincide.",
        "línea 2, columna preferred_language: «fr» no es uno de los idiomas del sitio; usa en, "
        "es, pt-br.",
    ]
    assert summary == "3 errores en 1 línea (total leído: 1 fila de datos): no se importó nada."


def test_labels_match_in_any_of_the_three_languages():
    rows = [
        person(email="a@example.org", career_stage="Senior researcher", open_to="Mentoring"),
        person(email="b@example.org", career_stage="Investigador/a sénior", open_to="Mentoría"),
        person(email="c@example.org", career_stage="Pesquisador(a) sênior", open_to="mentoria"),
    ]
    with translation.override("pt-br"):
        result = import_researchers(make_csv(*rows))
    assert result.ok, result.errors
    assert set(ResearcherPage.objects.values_list("career_stage", "open_to_mentoring")) == {
        ("senior", True)
    }


def test_the_command_reports_in_the_language_asked_for(tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(make_csv(person(), person(email="nope")))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error en 1 línea"):
        call_command(
            "import_researchers", str(path), "--language", "es", stdout=io.StringIO(), stderr=err
        )
    assert err.getvalue().splitlines() == [
        "línea 3, columna email: nope no es un correo electrónico válido."
    ]

    path.write_bytes(make_csv(person()))
    out = io.StringIO()
    call_command("import_researchers", str(path), "--language", "pt-br", "--dry-run", stdout=out)
    assert "Simulação com 1 linha, sem gravar nada" in out.getvalue()
    assert "Estes perfis seriam criados:" in out.getvalue()
    assert translation.get_language() == "en"  # the override ends with the command

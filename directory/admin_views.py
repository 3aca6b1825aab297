"""Admin views of the directory that are not plain snippet CRUD: the CSV import and its sample.

The view only handles the upload and shows the result; checking and writing are
`directory.importing`, shared with `manage.py import_researchers`, so the admin
and the command accept the same files and report the same errors.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.permission_policies import ModelPermissionPolicy

from directory.choices import CareerStage, OpenTo
from directory.importing import COLUMNS, LIST_SEPARATOR, import_researchers
from directory.languages import INTERFACE_LANGUAGES
from directory.models import Institution

# 10,000 rows with long biographies come to a few megabytes; this leaves room
# while refusing files that are plainly not a researcher list.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

# Importing may create institutions, so it takes the permission to add them
# (superusers have every permission).
import_permission_policy = ModelPermissionPolicy(Institution)


def user_can_import(user: Any) -> bool:
    """Whether `user` may import researchers: superusers, and whoever may add institutions."""
    return import_permission_policy.user_has_permission(user, "add")


class ImportResearchersForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8 with a header row; see the columns below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run"),
        required=False,
        help_text=gettext_lazy(
            "Check the file and show what would change, without saving anything."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _(
                    "The file is %(size)s MB; at most %(limit)s MB can be imported here. "
                    "Larger files can be imported with `manage.py import_researchers`."
                )
                % {
                    "size": f"{upload.size / 1024 / 1024:.1f}",
                    "limit": MAX_UPLOAD_BYTES // 1024 // 1024,
                }
            )
        return upload


class ImportResearchersView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """Upload a CSV, import it (or dry-run it), and list the counts and every error."""

    permission_policy = import_permission_policy
    permission_required = "add"
    form_class = ImportResearchersForm
    template_name = "directory/admin/import_researchers.html"
    page_title = gettext_lazy("Import researchers")
    header_icon = "upload"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            action_url=reverse("directory_import_researchers"),
            columns=COLUMNS,
            sample_url=reverse("directory_import_researchers_sample"),
            separator=LIST_SEPARATOR,
            career_stages=[str(choice.label) for choice in CareerStage],
            open_to=[choice.value for choice in OpenTo],
            interface_languages=INTERFACE_LANGUAGES,
        )
        return context

    def form_valid(self, form: ImportResearchersForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        result = import_researchers(upload.read(), dry_run=form.cleaned_data["dry_run"])
        if result.written:
            messages.success(self.request, result.summary())
        # The result is shown straight away rather than after a redirect: it can
        # list thousands of errors, which do not belong in the session. A fresh
        # form lets the user upload the corrected file.
        return self.render_to_response(
            self.get_context_data(form=self.form_class(), result=result, filename=upload.name)
        )


#: Two fictional people: one with every column filled in (several values where a
#: cell takes a list), one with only what is required.
SAMPLE_ROWS = (
    {
        "given_name": "Ana",
        "family_name": "Souza",
        "email": "ana.souza@example.org",
        "institution": "Universidade Exemplo",
        "country": "BR",
        "job_title": "Research fellow",
        "career_stage": "Early-career researcher",
        "topics": f"Recycling and circular supply chains{LIST_SEPARATOR} direct-lithium-extraction",
        "keywords": f"hydrometallurgy{LIST_SEPARATOR} brines",
        "languages": f"pt{LIST_SEPARATOR} en",
        "orcid": "0000-0002-1825-0097",
        "website": "https://example.org/ana-souza",
        "bio": "Works on recovering lithium from spent cells.\n\nPreviously at a pilot plant.",
        "bio_language": "en",
        "bio_es": "Trabaja en la recuperación de litio de celdas usadas.\n\n"
        "Antes trabajó en una planta piloto.",
        "bio_pt": "Trabalha na recuperação de lítio de células usadas.\n\n"
        "Antes, atuou em uma planta-piloto.",
        "preferred_language": "pt-br",
        "open_to": f"{OpenTo.COLLABORATION.value}{LIST_SEPARATOR} {OpenTo.MENTORING.value}",
    },
    {"given_name": "Tom", "family_name": "Reed", "country": "GB"},
)


def sample_csv(request: HttpRequest) -> HttpResponse:
    """A CSV in the import's format (UTF-8 with BOM, so spreadsheets read it right)."""
    if not user_can_import(request.user):
        raise PermissionDenied
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in SAMPLE_ROWS:
        writer.writerow([row.get(column, "") for column in COLUMNS])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="researchers-sample.csv"'
    return response

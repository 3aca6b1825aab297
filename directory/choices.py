"""Fixed vocabularies of the directory, shared by models, import and search."""

from django.db import models


class CareerStage(models.TextChoices):
    DOCTORAL = "doctoral", "Doctoral researcher"
    EARLY = "early-career", "Early-career researcher"
    MID = "mid-career", "Mid-career researcher"
    SENIOR = "senior", "Senior researcher"
    INDUSTRY = "industry", "Industry researcher"


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", "University"
    RESEARCH_CENTRE = "research-centre", "Research centre"
    COMPANY = "company", "Company"
    FUNDER = "funder", "Funder"
    GOVERNMENT = "government", "Government body"


class FacilityAccess(models.TextChoices):
    OPEN = "open", "Open access"
    COLLABORATION = "collaboration", "By collaboration"
    INTERNAL = "internal", "Internal only"


class OpenTo(models.TextChoices):
    """What a researcher is open to; each value is a boolean field `open_to_<value>`."""

    COLLABORATION = "collaboration", "Collaboration"
    VISITING = "visiting", "Visiting / exchange"
    PHD_SUPERVISION = "phd-supervision", "PhD supervision"
    INDUSTRY = "industry", "Industry partnership"
    MENTORING = "mentoring", "Mentoring"


OPEN_TO_FIELDS = {
    OpenTo.COLLABORATION: "open_to_collaboration",
    OpenTo.VISITING: "open_to_visiting",
    OpenTo.PHD_SUPERVISION: "open_to_phd_supervision",
    OpenTo.INDUSTRY: "open_to_industry",
    OpenTo.MENTORING: "open_to_mentoring",
}

# The two regions the network joins; used for "favour the other region".
UK_COUNTRIES = frozenset({"GB"})
LATIN_AMERICA = frozenset(
    "AR BO BR CL CO CR CU DO EC GT HN MX NI PA PE PR PY SV UY VE".split()  # noqa: SIM905
)

"""Fixed vocabularies of the directory, shared by models, import and search."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CareerStage(models.TextChoices):
    DOCTORAL = "doctoral", _("Doctoral researcher")
    EARLY = "early-career", _("Early-career researcher")
    MID = "mid-career", _("Mid-career researcher")
    SENIOR = "senior", _("Senior researcher")
    INDUSTRY = "industry", _("Industry researcher")


class InstitutionKind(models.TextChoices):
    UNIVERSITY = "university", _("University")
    RESEARCH_CENTRE = "research-centre", _("Research centre")
    COMPANY = "company", _("Company")
    FUNDER = "funder", _("Funder")
    GOVERNMENT = "government", _("Government body")


class FacilityAccess(models.TextChoices):
    """How outsiders get time on a facility. Stored values never change (existing rows
    keep theirs); "open-call" and "fee-based" were added beside the original three."""

    OPEN = "open", _("Open access")
    OPEN_CALL = "open-call", _("Open call for proposals")
    COLLABORATION = "collaboration", _("By collaboration")
    FEE_BASED = "fee-based", _("Fee-based service")
    INTERNAL = "internal", _("Internal only")


class FacilityTechnique(models.TextChoices):
    """The kind of technique or instrument a facility offers, for the listing's filter;
    the specific techniques stay free text (`Facility.techniques`)."""

    SPECTROSCOPY = "spectroscopy", _("Spectroscopy (XPS, HAXPES, Raman, NMR)")
    MICROSCOPY = "microscopy", _("Electron and ion microscopy (SEM, FIB-SEM, TEM)")
    XRAY = "x-ray", _("X-ray diffraction, scattering and imaging")
    ELECTROCHEMISTRY = "electrochemistry", _("Electrochemical and cell testing")
    CELL_FABRICATION = "cell-fabrication", _("Electrode and cell fabrication")
    SYNTHESIS = "synthesis", _("Materials synthesis")
    EXTRACTION = "extraction", _("Lithium extraction and processing")
    RECYCLING = "recycling", _("Recycling and hydrometallurgy")
    ANALYTICAL = "analytical", _("Chemical analysis")
    COMPUTING = "computing", _("Modelling and computing")
    OTHER = "other", _("Other")


class OpenTo(models.TextChoices):
    """What a researcher is open to; each value is a boolean field `open_to_<value>`."""

    COLLABORATION = "collaboration", _("Collaboration")
    VISITING = "visiting", _("Visiting / exchange")
    PHD_SUPERVISION = "phd-supervision", _("PhD supervision")
    INDUSTRY = "industry", _("Industry partnership")
    MENTORING = "mentoring", _("Mentoring")


#: What a profile's chips say, one whole phrase per flag so that each language can
#: word it naturally (and without guessing the researcher's grammatical gender).
OPEN_TO_PHRASES = {
    OpenTo.COLLABORATION: _("Open to collaboration"),
    OpenTo.VISITING: _("Open to visiting / exchange"),
    OpenTo.PHD_SUPERVISION: _("Open to PhD supervision"),
    OpenTo.INDUSTRY: _("Open to industry partnership"),
    OpenTo.MENTORING: _("Open to mentoring"),
}

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

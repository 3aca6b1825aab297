from directory.models.contact_reports import ContactReport
from directory.models.directory_page import DirectoryIndexPage
from directory.models.institutions import Facility, Institution
from directory.models.profile_items import (
    ResearcherKeyword,
    ResearcherLink,
    ResearcherPublication,
)
from directory.models.researchers import ResearcherPage
from directory.models.self_service import InstitutionRequest, PendingErasure
from directory.models.taxonomy import Language, Topic

__all__ = [
    "ContactReport",
    "DirectoryIndexPage",
    "Facility",
    "Institution",
    "InstitutionRequest",
    "Language",
    "PendingErasure",
    "ResearcherKeyword",
    "ResearcherLink",
    "ResearcherPage",
    "ResearcherPublication",
    "Topic",
]

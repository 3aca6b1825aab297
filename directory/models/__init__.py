from directory.models.contact_reports import ContactReport
from directory.models.institutions import Facility, Institution
from directory.models.researchers import (
    DirectoryIndexPage,
    ResearcherKeyword,
    ResearcherLink,
    ResearcherPage,
    ResearcherPublication,
)
from directory.models.taxonomy import Language, Topic

__all__ = [
    "ContactReport",
    "DirectoryIndexPage",
    "Facility",
    "Institution",
    "Language",
    "ResearcherKeyword",
    "ResearcherLink",
    "ResearcherPage",
    "ResearcherPublication",
    "Topic",
]

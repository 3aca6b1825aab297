"""Matching rows to profiles: by ORCID iD, else by e-mail address, once per person."""

from __future__ import annotations

from django.utils.translation import gettext as _

from directory.importing.cleaning import Row
from directory.importing.lookups import Lookups
from directory.importing.result import ImportResult
from directory.validators import normalise_orcid


class Matcher:
    """Finds the profile each row updates, remembering whom earlier rows named."""

    def __init__(self, lookups: Lookups, result: ImportResult) -> None:
        self.lookups = lookups
        self.result = result
        self.seen_orcid: dict[str, int] = {}
        self.seen_email: dict[str, int] = {}
        self.seen_pk: dict[int, int] = {}

    def match(self, row: Row) -> None:
        """Set `row.existing_pk`, or refuse a second row for the same person."""
        lookups = self.lookups
        orcid = row.values.get("orcid", "")
        email = row.values.get("email", "")

        def error(column: str, message: str) -> None:
            self.result.error(row.line, column, message)

        if orcid and orcid in self.seen_orcid:
            error(
                "orcid",
                _("line %(line)s has the same ORCID iD %(orcid)s.")
                % {"line": self.seen_orcid[orcid], "orcid": orcid},
            )
            return
        if email and email in self.seen_email:
            error(
                "email",
                _("line %(line)s has the same e-mail address.") % {"line": self.seen_email[email]},
            )
            return
        if orcid:
            self.seen_orcid[orcid] = row.line
        if email:
            self.seen_email[email] = row.line

        by_orcid = lookups.by_orcid.get(orcid, []) if orcid else []
        by_email = lookups.by_email.get(email, []) if email else []
        if len(by_orcid) > 1:
            profiles = ", ".join(lookups.describe(pk) for pk in by_orcid)
            error(
                "orcid",
                _("several profiles have ORCID iD %(orcid)s: %(profiles)s.")
                % {"orcid": orcid, "profiles": profiles},
            )
            return
        if by_orcid:
            pk, column = by_orcid[0], "orcid"
            if by_email and pk not in by_email:
                error(
                    "email",
                    _("%(email)s belongs to %(profile)s, but ORCID iD %(orcid)s to %(other)s.")
                    % {
                        "email": email,
                        "profile": lookups.describe(by_email[0]),
                        "orcid": orcid,
                        "other": lookups.describe(pk),
                    },
                )
                return
        elif by_email:
            if len(by_email) > 1:
                profiles = ", ".join(lookups.describe(pk) for pk in by_email)
                error(
                    "email",
                    _("several profiles have the e-mail address %(email)s: %(profiles)s.")
                    % {"email": email, "profiles": profiles},
                )
                return
            pk, column = by_email[0], "email"
            their_orcid = lookups.existing[pk].orcid
            if orcid and their_orcid and normalise_orcid(their_orcid) != orcid:
                error(
                    "orcid",
                    _("%(profile)s has this e-mail address but ORCID iD %(theirs)s, not %(orcid)s.")
                    % {"profile": lookups.describe(pk), "theirs": their_orcid, "orcid": orcid},
                )
                return
        else:
            return

        if pk in self.seen_pk:
            error(
                column,
                _("line %(line)s already updates %(profile)s.")
                % {"line": self.seen_pk[pk], "profile": lookups.describe(pk)},
            )
            return
        self.seen_pk[pk] = row.line
        row.existing_pk = pk

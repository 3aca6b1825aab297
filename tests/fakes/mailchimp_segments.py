"""Campaign segments for the fake Mailchimp: checking `segment_opts` and choosing members.

A campaign's `recipients.segment_opts` is `{match: "any"|"all", conditions: [...]}`
(docs/mailchimp-api.md §5, §9). The fake understands the two condition types the
site sends and refuses the rest, so a test can never pass on a segment the fake
silently ignored:

* **Interests**: `{condition_type: "Interests", field: "interests-<category id>",
  op: "interestcontains"|"interestcontainsall"|"interestnotcontains", value: [ids]}`;
* **Language**: `{condition_type: "Language", field: "language", op: "is"|"not",
  value: "<two-letter code>"}`, compared with the member's `language` exactly.

Only subscribed members are ever recipients (a campaign goes to nobody else).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

INTEREST_OPS = ("interestcontains", "interestcontainsall", "interestnotcontains")
LANGUAGE_OPS = ("is", "not")
MATCHES = ("any", "all")

#: (field, message) pairs, as Mailchimp's "Invalid Resource" `errors` list has them.
Problems = list[dict[str, str]]


def _problem(field: str, message: str) -> Problems:
    return [{"field": f"recipients.segment_opts.{field}", "message": message}]


def _interest_problems(n: int, condition: dict[str, Any], interest_ids: set[str]) -> Problems:
    field, op, value = condition.get("field"), condition.get("op"), condition.get("value")
    if not isinstance(field, str) or not field.startswith("interests-"):
        return _problem(f"conditions.{n}.field", "Invalid interest category.")
    if op not in INTEREST_OPS:
        return _problem(f"conditions.{n}.op", "Invalid segment operator.")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return _problem(f"conditions.{n}.value", "Schema describes array of strings.")
    unknown = [v for v in value if v not in interest_ids]
    if unknown:
        return _problem(f"conditions.{n}.value", f"Invalid interest ID: '{unknown[0]}'.")
    return []


def _language_problems(n: int, condition: dict[str, Any]) -> Problems:
    if condition.get("field") != "language":
        return _problem(f"conditions.{n}.field", "Schema describes enum: language.")
    if condition.get("op") not in LANGUAGE_OPS:
        return _problem(f"conditions.{n}.op", "Schema describes enum: is, not.")
    value = condition.get("value")
    if not isinstance(value, str) or not value:
        return _problem(f"conditions.{n}.value", "Schema describes string.")
    return []


def problems(segment_opts: Any, interest_ids: set[str]) -> Problems:
    """Why Mailchimp would refuse these `segment_opts` ([] when they are acceptable)."""
    if segment_opts is None:
        return []
    if not isinstance(segment_opts, dict):
        return _problem("", "Schema describes object.")
    if segment_opts.get("match", "any") not in MATCHES:
        return _problem("match", "Schema describes enum: any, all.")
    conditions = segment_opts.get("conditions", [])
    if not isinstance(conditions, list):
        return _problem("conditions", "Schema describes array.")
    for n, condition in enumerate(conditions):
        if not isinstance(condition, dict):
            return _problem(f"conditions.{n}", "Schema describes object.")
        kind = condition.get("condition_type")
        if kind == "Interests":
            found = _interest_problems(n, condition, interest_ids)
        elif kind == "Language":
            found = _language_problems(n, condition)
        else:
            found = _problem(
                f"conditions.{n}.condition_type",
                f"The fake does not evaluate condition type {kind!r}.",
            )
        if found:
            return found
    return []


def _matches(condition: dict[str, Any], member: dict[str, Any]) -> bool:
    op, value = condition["op"], condition["value"]
    if condition["condition_type"] == "Language":
        same = member.get("language", "") == value
        return same if op == "is" else not same
    chosen = {iid for iid, on in (member.get("interests") or {}).items() if on}
    if op == "interestcontains":
        return bool(chosen & set(value))
    if op == "interestcontainsall":
        return set(value) <= chosen
    return not chosen & set(value)  # interestnotcontains


def recipients(
    members: list[dict[str, Any]], segment_opts: dict[str, Any] | None
) -> list[dict[str, Any]]:
    """The subscribed members a campaign with these (already checked) options reaches."""
    subscribed = [m for m in members if m["status"] == "subscribed"]
    conditions = (segment_opts or {}).get("conditions") or []
    if not conditions:
        return subscribed
    combine: Callable[[Any], bool] = all if segment_opts.get("match") == "all" else any
    return [m for m in subscribed if combine(_matches(c, m) for c in conditions)]

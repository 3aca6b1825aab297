"""Reading the file: decoding, CSV records with their physical lines, and the header.

Each step records its problems in the result and returns None when the file
cannot be read any further.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from directory.importing.columns import COLUMNS, REQUIRED_COLUMNS
from directory.importing.result import ImportResult

Record = tuple[int, list[str]]
"""A non-blank row and the physical line it starts on."""


@dataclass
class Header:
    """Where each known column is in the rows, and how many cells a row should have."""

    line: int = 1
    width: int = 0
    columns: dict[str, int] = field(default_factory=dict)

    def cell(self, record: list[str], name: str) -> str:
        """The stripped cell of column `name`, or "" when the file or the row lacks it."""
        index = self.columns.get(name)
        return record[index].strip() if index is not None and index < len(record) else ""


def decode(data: bytes | str, result: ImportResult) -> str | None:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        result.error(
            line,
            "",
            _(
                "the file is not UTF-8 (byte %(byte)s cannot be decoded); save it as "
                "CSV UTF-8 and try again."
            )
            % {"byte": f"0x{data[exc.start]:02x}"},
        )
        return None


def read(text: str, result: ImportResult) -> tuple[Record, list[Record]] | None:
    """The header and each non-blank row, with the physical line each starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: Record | None = None
    rows: list[Record] = []
    line = 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                if header is None:
                    header = (line, record)
                else:
                    rows.append((line, record))
            elif header is not None:
                result.blank_lines += 1
            line = reader.line_num + 1
    except csv.Error as exc:
        result.error(line, "", _("the file is not valid CSV: %(problem)s.") % {"problem": exc})
        return None
    if header is None:
        result.error(0, "", _("the file is empty; it needs a header row."))
        return None
    result.rows = len(rows)
    return header, rows


def check_header(line: int, cells: list[str], result: ImportResult) -> Header | None:
    """Map column names to positions; None when rows cannot be checked at all."""
    header = Header(line=line, width=len(cells))
    columns = header.columns
    for index, raw in enumerate(cells):
        name = raw.strip().lower().replace(" ", "_")
        if not name:
            if any(cell.strip() for cell in cells[index + 1 :]):
                result.error(
                    line,
                    "",
                    _("column %(number)s of the header has no name.") % {"number": index + 1},
                )
        elif name in columns:
            result.error(line, name, _("this column appears twice in the header."))
        elif name not in COLUMNS:
            result.error(
                line,
                raw.strip(),
                _("unknown column; the columns are %(columns)s.") % {"columns": ", ".join(COLUMNS)},
            )
        else:
            columns[name] = index
    # Trailing empty header cells (a spreadsheet's stray commas) are harmless.
    while header.width and not cells[header.width - 1].strip():
        header.width -= 1
    fatal = False
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            fatal = True
            result.error(line, name, _("this required column is missing."))
    if "institution" not in columns and "country" not in columns:
        fatal = True
        result.error(
            line, "country", _("the header needs an institution or a country column, or both.")
        )
    # Unknown columns are errors too, but checking the rows anyway tells the
    # user everything that needs fixing in one go.
    return None if fatal else header

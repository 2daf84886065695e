"""RMAP audit status of smelters: imported from RMI's published lists, applied to facts.

The templates carry no audit status; RMI publishes it separately (conformant, active, ...)
and it changes monthly. `assay reference import FILE` reads such a list (CSV or a workbook
with a header row naming a CID column and a status column, optionally a date column) into a
JSON file in assay's data folder; every fact whose smelter resolves to a CID in it gets
`rmap_status`, the raw status text and the list's date.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import IngestError
from .normalise import cid as parse_cid
from .normalise import clean_text, effective_date
from .workbook import WORKBOOK_SUFFIXES, Sheet, open_workbook

STALE_AFTER_DAYS = 90
_CID_HEADERS = ("cid", "smelter id", "smelter identification", "smelter identification number",
                "facility id", "id")
_STATUS_HEADERS = ("rmap status", "status", "assessment status", "audit status",
                   "conformance status")
_DATE_HEADERS = ("status date", "date", "as of", "last updated", "effective date")
_STATUS = {
    "conformant": "conformant", "active": "active", "in communication": "in_communication",
    "outreach": "in_communication", "outreach needed": "in_communication",
    "not enrolled": "not_enrolled", "non-conformant": "non_conformant",
    "non conformant": "non_conformant", "nonconformant": "non_conformant",
    "suspended": "suspended", "re-assessment in progress": "active",
}


def normalise_status(raw: str) -> str:
    """RMI's wording (which varies over time) to the facts' closed set."""
    return _STATUS.get(re.sub(r"\s+", " ", raw).strip().lower(), "unknown")


@dataclass(frozen=True)
class Status:
    status: str
    raw: str
    date: dt.date | None


@dataclass(frozen=True)
class StatusList:
    """Imported RMAP statuses by CID, with where they came from and when."""

    entries: dict[str, Status]
    source: str
    imported: dt.date

    def lookup(self, cid: str | None) -> Status | None:
        return self.entries.get(cid) if cid else None

    def age_days(self, today: dt.date) -> int:
        return (today - self.imported).days

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "imported": self.imported.isoformat(),
                "entries": {k: {"status": v.status, "raw": v.raw,
                                "date": v.date.isoformat() if v.date else None}
                            for k, v in sorted(self.entries.items())}}

    @staticmethod
    def from_json(data: dict[str, Any]) -> StatusList:
        return StatusList(
            {k: Status(v["status"], v["raw"], dt.date.fromisoformat(v["date"])
                       if v.get("date") else None) for k, v in data["entries"].items()},
            data["source"], dt.date.fromisoformat(data["imported"]))


def data_dir() -> Path:
    """assay's per-user data folder ($ASSAY_HOME, else the XDG data home)."""
    if os.environ.get("ASSAY_HOME"):
        return Path(os.environ["ASSAY_HOME"])
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "assay"


def status_path(folder: Path | None = None) -> Path:
    return (folder or data_dir()) / "rmap-status.json"


def load_statuses(folder: Path | None = None) -> StatusList | None:
    """The imported status list, or None when none was imported."""
    path = status_path(folder)
    if not path.exists():
        return None
    return StatusList.from_json(json.loads(path.read_text(encoding="utf-8")))


def _rows(path: Path, display: str) -> list[list[Any]]:
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        book = open_workbook(path, display)
        return Sheet(book, book.sheet_names[0]).rows
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(display, f"cannot read as UTF-8 CSV: {exc}") from None
    return list(csv.reader(text.splitlines()))


def _find_header(rows: list[list[Any]]) -> tuple[int, int, int, int | None] | None:
    """(row index, CID column, status column, date column) of the first header row."""
    for index, row in enumerate(rows[:20]):
        headers = [str(c or "").strip().lower() for c in row]
        cid_col = next((headers.index(h) for h in _CID_HEADERS if h in headers), None)
        status_col = next((headers.index(h) for h in _STATUS_HEADERS if h in headers), None)
        if cid_col is not None and status_col is not None:
            date_col = next((headers.index(h) for h in _DATE_HEADERS if h in headers), None)
            return index, cid_col, status_col, date_col
    return None


def read_status_list(path: Path, display: str, today: dt.date | None = None) -> StatusList:
    """Parse RMI's published status list (CSV or workbook)."""
    rows = _rows(path, display)
    header = _find_header(rows)
    if header is None:
        raise IngestError(display, "no header row with a CID column and a status column "
                          f"(looked for {', '.join(_CID_HEADERS)} / "
                          f"{', '.join(_STATUS_HEADERS)})")
    index, cid_col, status_col, date_col = header
    entries: dict[str, Status] = {}
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        cells = list(row) + [None] * 3
        code, problem = parse_cid(cells[cid_col])
        raw = clean_text(cells[status_col])
        if code is None and raw is None:
            continue
        if problem or code is None or raw is None:
            raise IngestError(f"{display}:{number}", problem or "row without a CID or status")
        when = effective_date(cells[date_col])[0] if date_col is not None else None
        entries[code] = Status(normalise_status(raw), raw, when)
    if not entries:
        raise IngestError(display, "no statuses found below the header row")
    return StatusList(entries, display, today or dt.date.today())


def save_statuses(statuses: StatusList, folder: Path | None = None) -> Path:
    """Write the list atomically into the data folder."""
    path = status_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(statuses.to_json(), indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path

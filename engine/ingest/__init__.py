"""Reading what suppliers send (RMI templates, CSV, JSON) into facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..errors import display_path
from ..facts import DeclarationFact, SmelterFact
from ..projection import to_fact
from .build import build_facts
from .errors import IngestError, Note
from .jsonfacts import read_fact_items
from .reference import Reference
from .rmap import StatusList, load_statuses
from .tabular import read_csv
from .template import read_template
from .workbook import WORKBOOK_SUFFIXES

SUFFIXES = WORKBOOK_SUFFIXES | {".csv", ".json", ".jsonl"}


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"


@dataclass
class FileFacts:
    """The facts of one file, with notes about what needed attention in it."""

    file: str
    facts: list[SmelterFact | DeclarationFact]
    notes: list[Note] = field(default_factory=list)
    template: str | None = None


def read_file(path: Path | str, *, as_of: dt.date | None = None,
              reference: Reference | None = None, statuses: StatusList | None = None
              ) -> FileFacts:
    """Facts from one supplier workbook; raise `IngestError` (one located line) if unreadable."""
    path = Path(path)
    display = display_path(path)
    suffix = path.suffix.lower()
    if suffix in {".json", ".jsonl"}:
        items = list(read_fact_items(path, display))
        facts = []
        for item in items:
            try:
                facts.append(to_fact(item))
            except ValidationError as exc:
                prov = item.get("provenance", {})
                raise IngestError(f"{display}:{prov.get('row', '?')}",
                                  f"invalid fact: {_first_error(exc)}") from None
        return FileFacts(display, facts, [], "assay facts")
    if suffix == ".csv":
        facts_csv, notes = read_csv(path, display, reference or Reference.bundled(), statuses)
        return FileFacts(display, list(facts_csv), notes, "CSV smelter list")
    if suffix not in WORKBOOK_SUFFIXES:
        raise IngestError(display, f"not a supplier file ({suffix or 'no extension'}); "
                          f"expected one of {', '.join(sorted(SUFFIXES))}")
    submission = read_template(path, display)
    facts, notes = build_facts(submission, reference, as_of, statuses)
    return FileFacts(display, facts, notes,
                     f"{submission.template_type.upper()} {submission.version}")


def supplier_files(paths: list[Path]) -> list[Path]:
    """Files given and, for folders, every supplier file below them (sorted)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.is_file() and
                              p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$"))))
        else:
            out.append(path)
    return out


__all__ = ["SUFFIXES", "FileFacts", "IngestError", "Note", "Reference", "StatusList",
           "load_statuses", "read_file", "supplier_files"]

"""Smelter lists as CSV, for data that comes from a portal rather than a workbook.

The columns are the fact field names (docs/ingest.md): `smelter.metal`, `smelter.name`,
`smelter.country` (ISO code or any country name the templates use), `smelter.cid`, ... and
`supplier.name` etc.; unknown columns are an error naming the column. Each row is normalised
and resolved against the reference exactly like a Smelter List row.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path
from typing import Any

from ..facts import CATALOGUE, Provenance, Smelter, SmelterFact, Supplier
from .build import resolve_row
from .errors import IngestError, Note
from .normalise import Countries, answer, cid, clean_text, metal
from .reference import Reference
from .rmap import StatusList

MAX_ROWS = 200_000


def read_csv(path: Path, display: str, reference: Reference,
             statuses: StatusList | None = None) -> tuple[list[SmelterFact], list[Note]]:
    """Smelter facts from a CSV smelter list."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(display, f"cannot read as UTF-8 CSV: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    known = set(CATALOGUE.for_kind("smelter"))
    columns = [c.strip() for c in reader.fieldnames or []]
    unknown = [c for c in columns if c and c not in known]
    if not columns or unknown:
        what = f"unknown column {unknown[0]!r}" if unknown else "no header row"
        raise IngestError(f"{display}:1", f"{what}; columns are fact fields such as "
                          "smelter.metal, smelter.name, smelter.country, smelter.cid, "
                          "supplier.name")
    countries = Countries.load()
    sha = hashlib.sha256(raw).hexdigest()
    facts, notes = [], []
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise IngestError(display, f"more than {MAX_ROWS} rows")
        values = {k.strip(): clean_text(v) for k, v in row.items() if k}
        if not any(values.values()):
            continue
        smelter: dict[str, Any] = {}
        supplier: dict[str, Any] = {}
        for key, value in values.items():
            part, _, name = key.partition(".")
            if value is not None:
                (smelter if part == "smelter" else supplier if part == "supplier" else {})[
                    name] = value
        smelter["metal"] = metal(smelter.get("metal"))
        smelter.setdefault("row_state", "listed")
        if smelter.get("country"):
            code, problem = countries.code(smelter["country"])
            smelter["country_name"], smelter["country"] = smelter["country"], code
            if problem:
                notes.append(Note(display, None, f"row {number}", problem))
        if smelter.get("cid"):
            smelter["cid"], problem = cid(smelter["cid"])
            smelter["cid_valid"] = problem is None
            if problem:
                notes.append(Note(display, None, f"row {number}", problem))
        if smelter.get("recycled_scrap"):
            smelter["recycled_scrap"], _ = answer("recycled_scrap", smelter["recycled_scrap"])
        resolve_row(smelter, reference, statuses)
        try:
            facts.append(SmelterFact(
                smelter=Smelter(**{k: v for k, v in smelter.items() if v is not None}),
                supplier=Supplier(**supplier),
                provenance=Provenance(file=display, sha256=sha, row=number)))
        except Exception as exc:
            raise IngestError(f"{display}:{number}", f"invalid row: {exc}") from None
    return facts, notes

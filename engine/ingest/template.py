"""Read a filled RMI template (CMRT, EMRT, CRT; every supported version and language).

Where things are comes from the version's cell map (engine/ingest/cellmaps.json, derived from
the blank templates), never from the labels the file displays. The result is a `Submission`:
the supplier, its answers per metal, its smelter rows, with the cell each value came from.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from .cellmap_build import template_version
from .cells import parse_ref
from .errors import IngestError, Note
from .normalise import Countries, answer, cid, clean_text, effective_date, metal, scope
from .workbook import Sheet, open_workbook, sheet

_MAPS = Path(__file__).resolve().parent / "cellmaps.json"
_LOOKUP_FILLED = ("street", "city", "state_province", "id_source", "cid", "country_name")


@cache
def cellmaps() -> dict[str, dict[str, Any]]:
    """The shipped cell maps, keyed `type-version`."""
    return json.loads(_MAPS.read_text(encoding="utf-8"))


@dataclass
class Answered:
    """One answer with the cell it came from."""

    value: str | None
    cell: str


@dataclass
class SmelterRow:
    """One non-empty Smelter List row, normalised, with its row number."""

    row: int
    values: dict[str, Any]


@dataclass
class Submission:
    """Everything read from one supplier file."""

    file: str
    sha256: str
    template_type: str
    version: str
    language: str | None
    supplier: dict[str, Any]
    answers: dict[str, dict[str, Answered]]  # metal -> question key -> answer
    company: dict[str, Answered]
    company_by_metal: dict[str, dict[str, Answered]]
    metals: list[str]
    smelters: list[SmelterRow]
    supplier_cells: dict[str, str] = field(default_factory=dict)
    smelter_columns: dict[str, str] = field(default_factory=dict)
    products: list[SmelterRow] = field(default_factory=list)
    mines: list[SmelterRow] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def detect(book: CalamineWorkbook, display: str) -> tuple[str, dict[str, Any]]:
    """Template type and version from the workbook's content; (key, cell map)."""
    names = set(book.sheet_names)
    missing = [s for s in ("Declaration", "Smelter List") if s not in names]
    if missing:
        raise IngestError(display, "not an RMI reporting template: no "
                          f"{' or '.join(repr(m) for m in missing)} sheet (sheets: "
                          f"{', '.join(book.sheet_names[:12])})")
    decl = sheet(book, "Declaration", display)
    title = str(decl.get("D2") or "").strip()
    # The displayed title is in the supplier's language; every language's title is in the map.
    kind = next((m["type"].upper() for m in cellmaps().values() if title in m["titles"]), None)
    if kind is None and "L" in names:
        for row in Sheet(book, "L").rows[1:]:
            if len(row) > 3 and str(row[1]) == "Declaration" and str(row[2]) == "D2":
                kind = next((k for k in ("CMRT", "EMRT", "CRT") if f"({k})" in str(row[3])),
                            None)
                break
    if kind is None:
        raise IngestError(display, f"not an RMI reporting template (title {title!r})",
                          "Declaration", "D2")
    try:
        version = template_version(book, decl.get("J3"))
    except Exception:
        version = None
    if version is None:
        raise IngestError(display, f"{kind} without a revision number", "Declaration", "J3")
    key = f"{kind.lower()}-{version}"
    if key not in cellmaps():
        known = sorted((k for k in cellmaps() if k.startswith(kind.lower())),
                       key=lambda k: float(k.split("-")[1]))
        raise IngestError(display, f"{kind} revision {version} is not supported (supported: "
                          f"{', '.join(k.split('-')[1] for k in known)})", "Declaration", "J3")
    return key, cellmaps()[key]


def read_template(path: Path, display: str | None = None) -> Submission:
    """Read one supplier workbook; raise `IngestError` if it is not a supported template."""
    display = display or str(path)
    book = open_workbook(path, display)
    _key, cmap = detect(book, display)
    decl = sheet(book, "Declaration", display)
    notes: list[Note] = []

    def note(cell: str | None, message: str, where: str = "Declaration") -> None:
        notes.append(Note(display, where, cell, message))

    supplier: dict[str, Any] = {}
    for name, ref in cmap["company"].items():
        raw = decl.get(ref)
        if name == "scope":
            value, problem = scope(raw)
        elif name == "effective_date":
            value, problem = effective_date(raw)
        else:
            value, problem = clean_text(raw), None
        if problem:
            note(ref, problem)
        if value is not None:
            supplier[name] = value
    metals_asked = _metals(decl, cmap)

    def read(key: str, ref: str) -> Answered:
        value, problem = answer(key, decl.get(ref))
        if problem:
            note(ref, problem)
        return Answered(value, ref)

    def per_metal(question: dict[str, Any]) -> list[tuple[str, Answered]]:
        return [(name, read(question["key"], f"{cmap['answer_column']}{row}"))
                for row, name in _answer_rows(decl, question, metals_asked)]

    answers: dict[str, dict[str, Answered]] = {m: {} for m in metals_asked}
    for question in cmap["questions"]:
        for name, given in per_metal(question):
            answers.setdefault(name, {})[question["key"]] = given
    company: dict[str, Answered] = {}
    company_by_metal: dict[str, dict[str, Answered]] = {}
    for question in cmap["company_questions"]:
        if not question["cell"]:
            for name, given in per_metal(question):
                company_by_metal.setdefault(name, {})[question["key"]] = given
            continue
        company[question["key"]] = read(question["key"], question["cell"])
        if question["key"] == "policy_public":
            url_ref = f"{cmap['comment_column']}{question['cell'][1:]}"
            url = clean_text(decl.get(url_ref))
            if url:
                company["policy_url"] = Answered(url, url_ref)
    rows = _smelter_rows(sheet(book, cmap["smelter_list"]["sheet"], display), cmap, display,
                         notes)
    products = _list_rows(book, cmap.get("product_list"), display, ("number", "name"))
    mines = _list_rows(book, cmap.get("mine_list"), display, ("metal", "mine_name"))
    countries = Countries.load()
    for mine in mines:
        mine.values["metal"] = metal(mine.values.get("metal"))
        if mine.values.get("country_name"):
            mine.values["country"], problem = countries.code(mine.values["country_name"])
            if problem:
                notes.append(Note(display, "Mine List", f"F{mine.row}", problem))
    return Submission(
        file=display, sha256=_sha256(path), template_type=cmap["type"],
        version=cmap["version"], language=clean_text(decl.get("D3")), supplier=supplier,
        answers=answers, company=company, company_by_metal=company_by_metal,
        metals=metals_asked, smelters=rows, products=products, mines=mines, notes=notes,
        supplier_cells={k: v for k, v in cmap["company"].items() if k in supplier},
        smelter_columns=dict(cmap["smelter_list"]["columns"]))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _metals(decl: Sheet, cmap: dict[str, Any]) -> list[str]:
    """Metals the declaration asks about: fixed by the template, or chosen (EMRT 2.x)."""
    if cmap["minerals_selector"]:
        chosen = [metal(decl.get(ref)) for ref in cmap["minerals_selector"]]
        return [m for m in dict.fromkeys(chosen) if m]
    first = cmap["questions"][0]
    return list(dict.fromkeys(first["metals"] or []))


def _answer_rows(decl: Sheet, question: dict[str, Any], metals_asked: list[str]
                 ) -> list[tuple[int, str]]:
    if question.get("metals"):
        return list(zip(question["rows"], question["metals"], strict=False))
    out = []
    for row in question["rows"]:
        name = metal(decl.get(f"B{row}"))
        if name and name in metals_asked:
            out.append((row, name))
    return out


def _smelter_rows(smelters: Sheet, cmap: dict[str, Any], display: str,
                  notes: list[Note]) -> list[SmelterRow]:
    columns = {key: parse_ref(f"{col}1")[1] for key, col in
               cmap["smelter_list"]["columns"].items()}
    countries = Countries.load()
    out = []
    key_cols = tuple(columns[k] for k in ("reported_id", "metal", "lookup_name", "name")
                     if k in columns)
    for row in smelters.nonempty_rows(cmap["smelter_list"]["first_row"], key_cols):
        raw = {key: smelters.at(row, col) for key, col in columns.items()}
        if not any(clean_text(raw.get(k)) for k in ("reported_id", "metal", "lookup_name",
                                                    "name")):
            continue
        values: dict[str, Any] = {k: clean_text(v) for k, v in raw.items()}
        for key in _LOOKUP_FILLED:
            # Look-up formulas write 0 where the reference has no value (a street of "0").
            if values.get(key) == "0":
                values[key] = None
        values["metal"] = metal(raw.get("metal"))
        if raw.get("metal") and values["metal"] is None:
            notes.append(Note(display, smelters.name, f"{_col(cmap, 'metal')}{row}",
                              f"unknown metal {clean_text(raw['metal'])!r}"))
        lookup = (values.get("lookup_name") or "").casefold()
        values["row_state"] = ("not_listed" if lookup == "smelter not listed" else
                               "not_yet_identified" if lookup == "smelter not yet identified"
                               else "listed")
        if values["row_state"] != "listed":
            # The look-up writes "Unknown" as name (and in 6.1 as country) for these rows.
            for key in ("name", "country_name"):
                if values.get(key) == "Unknown":
                    values[key] = None
        reported = values.get("cid") or values.get("reported_id")
        values["cid"], problem = cid(reported)
        values["cid_valid"] = None if values["cid"] is None else problem is None
        if problem:
            notes.append(Note(display, smelters.name, f"{_col(cmap, 'cid')}{row}", problem))
        for name_key, code_key in (("country_name", "country"),
                                   ("mine_country_name", "mine_country")):
            if values.get(name_key):
                code, problem = countries.code(values[name_key])
                values[code_key] = code
                if problem and not (code_key == "mine_country" and
                                    values[name_key].lower() in {"recycled", "scrap"}):
                    notes.append(Note(display, smelters.name,
                                      f"{_col(cmap, name_key)}{row}", problem))
        recycled, problem = answer("recycled_scrap", raw.get("recycled_scrap"))
        values["recycled_scrap"] = recycled if recycled in {"yes", "no", "unknown"} else None
        if problem:
            notes.append(Note(display, smelters.name, f"{_col(cmap, 'recycled_scrap')}{row}",
                              problem))
        out.append(SmelterRow(row, values))
    return out


def _list_rows(book: CalamineWorkbook, spec: dict[str, Any] | None, display: str,
               keys: tuple[str, ...]) -> list[SmelterRow]:
    """Non-empty rows of the Product List or Mine List (absent in a file: no rows)."""
    if not spec or spec["sheet"] not in book.sheet_names:
        return []
    data = sheet(book, spec["sheet"], display)
    columns = {key: parse_ref(f"{col}1")[1] for key, col in spec["columns"].items()}
    out = []
    for row in data.nonempty_rows(spec["first_row"], tuple(columns[k] for k in keys
                                                            if k in columns)):
        values = {key: clean_text(data.at(row, col)) for key, col in columns.items()}
        first = next((v for v in values.values() if v), "")
        if any(values.get(k) for k in keys) and not first.startswith("\u00a9"):
            # The templates end each list with a copyright line far below the data.
            out.append(SmelterRow(row, values))
    return out


def _col(cmap: dict[str, Any], key: str) -> str:
    return cmap["smelter_list"]["columns"].get(key, "A")


__all__ = ["Submission", "cellmaps", "detect", "read_template"]

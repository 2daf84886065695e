"""What calamine does not expose: a worksheet's data validations, read from the .xlsx XML.

Only the cell-map builder and its test read this (from RMI's blank templates); supplier files
never go through it.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "x14": "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main",
    "xm": "http://schemas.microsoft.com/office/excel/2006/main",
}


@dataclass(frozen=True)
class Validation:
    """One data validation: the cells it covers and its list formula (if a list)."""

    cells: tuple[str, ...]
    kind: str | None
    formula: str | None


def _sheet_xml(archive: zipfile.ZipFile, sheet: str) -> str:
    book = ET.fromstring(archive.read("xl/workbook.xml"))
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target") or "" for rel in rels}
    sheets = book.find("m:sheets", _NS)
    assert sheets is not None
    for node in sheets:
        if node.get("name") == sheet:
            target = targets[node.get(f"{{{_NS['r']}}}id")]
            return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    raise KeyError(sheet)


def validations(path: Path, sheet: str) -> list[Validation]:
    """Every data validation of `sheet`, classic and extension (x14) alike."""
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read(_sheet_xml(archive, sheet)))
    out = []
    for node in root.iter(f"{{{_NS['m']}}}dataValidation"):
        formula = node.find("m:formula1", _NS)
        out.append(Validation(tuple((node.get("sqref") or "").split()), node.get("type"),
                              formula.text if formula is not None else None))
    for node in root.iter(f"{{{_NS['x14']}}}dataValidation"):
        formula = node.find("x14:formula1/xm:f", _NS)
        sqref = node.find("xm:sqref", _NS)
        out.append(Validation(tuple((sqref.text or "").split()) if sqref is not None else (),
                              node.get("type"), formula.text if formula is not None else None))
    return out


def hidden_rows(path: Path, sheet: str) -> set[int]:
    """Rows of `sheet` that are hidden (a template hides answer rows it does not ask)."""
    with zipfile.ZipFile(path) as archive:
        root = ET.fromstring(archive.read(_sheet_xml(archive, sheet)))
    return {int(node.get("r") or 0) for node in root.iter(f"{{{_NS['m']}}}row")
            if node.get("hidden") in ("1", "true")}

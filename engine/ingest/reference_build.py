"""Build the smelter reference and country table from RMI's blank templates (see tools/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from .cellmap_build import template_type, template_version
from .normalise import metal

# Spellings suppliers use that neither the template's list nor pycountry knows.
COUNTRY_ALIASES = {
    "DRC": "CD", "DR CONGO": "CD", "D.R. CONGO": "CD", "CONGO (KINSHASA)": "CD",
    "DEMOCRATIC REPUBLIC OF CONGO": "CD", "CONGO (BRAZZAVILLE)": "CG",
    "REPUBLIC OF CONGO": "CG", "SOUTH KOREA": "KR", "KOREA": "KR", "NORTH KOREA": "KP",
    "VIETNAM": "VN", "TURKEY": "TR", "TÜRKIYE": "TR", "TURKIYE": "TR", "RUSSIA": "RU",
    "TAIWAN": "TW", "TAIWAN, PROVINCE OF CHINA": "TW", "UK": "GB", "GREAT BRITAIN": "GB",
    "ENGLAND": "GB", "USA": "US", "U.S.A.": "US", "UNITED STATES": "US", "BOLIVIA": "BO",
    "LAOS": "LA", "IRAN": "IR", "SYRIA": "SY", "TANZANIA": "TZ", "CZECH REPUBLIC": "CZ",
    "HOLLAND": "NL", "IVORY COAST": "CI", "MACEDONIA": "MK", "SWAZILAND": "SZ",
    "BURMA": "MM", "PRC": "CN", "P.R. CHINA": "CN", "HONG KONG": "HK",
}


def _newest(source: Path) -> dict[str, tuple[float, Path, CalamineWorkbook]]:
    newest: dict[str, tuple[float, Path, CalamineWorkbook]] = {}
    for path in sorted(source.glob("RMI_*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        labels = book.get_sheet_by_name("L").to_python()
        title = next(str(r[3]) for r in labels if r[1] == "Declaration" and r[2] == "D2")
        kind = template_type(title)
        version = float(template_version(book) or 0)
        if kind not in newest or version >= newest[kind][0]:
            newest[kind] = (version, path, book)
    return newest


def build_reference(source: Path) -> dict[str, Any]:
    """Every smelter of the newest templates' look-up lists, keyed by CID with its aliases."""
    smelters: dict[tuple[str, str], dict[str, Any]] = {}
    sources = []
    for kind, (version, path, book) in sorted(_newest(source).items()):
        sources.append(f"{path.name} ({kind.upper()} {version})")
        rows = book.get_sheet_by_name("Smelter Look-up").to_python()
        for row in rows[4:]:
            cells = [str(c).strip() if c is not None else "" for c in row[:9]]
            name, cid = cells[1], cells[4]
            found = metal(cells[0])
            if not found or not cid.startswith("CID"):
                continue
            entry = smelters.setdefault((found, cid), {
                "cid": cid, "metal": found, "name": cells[2], "country_name": cells[3],
                "source": cells[5] or None, "city": cells[7] or None,
                "state_province": cells[8] or None, "aliases": []})
            if name and name not in entry["aliases"]:
                entry["aliases"].append(name)
    ordered = sorted(smelters.values(), key=lambda s: (s["metal"], s["cid"]))
    return {"sources": sources, "smelters": ordered}


def build_countries(source: Path) -> dict[str, Any]:
    """Country names as the templates spell them (sheet C) with their ISO codes."""
    names: dict[str, str] = {}
    for _version, _path, book in _newest(source).values():
        for row in book.get_sheet_by_name("C").to_python()[1:]:
            code, name = str(row[0]).strip(), str(row[1]).strip()
            if len(code) == 2 and name:
                names[name] = code
    return {"template_names": names, "aliases": COUNTRY_ALIASES}

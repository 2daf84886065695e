"""Derive each template version's cell map from the blank template itself.

The map says where every answer sits, which metal each answer row is about, and which answers
the template allows. It is built from the template's own `L` sheet (every label keyed by
sheet and cell, with its English text) and its data validations, never from the labels a
supplier's file displays, which are in whatever language the supplier chose.

`tools/build_cellmaps.py` runs this over RMI's blank templates and writes
`engine/ingest/cellmaps.json`; `tests/test_cellmaps.py` checks the shipped file still matches.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from .cells import expand_range, parse_ref
from .workbook import Sheet
from .xlsxmeta import hidden_rows, validations

# Which fact field each question feeds, recognised from the English label in sheet L.
# Order matters: the first pattern that matches wins.
QUESTION_KEYS: tuple[tuple[str, str], ...] = (
    ("q1_intentionally_added", r"intentionally added"),
    ("q2_remains_in_product", r"remain in the product"),
    ("q3_covered_countries", r"covered countries"),
    ("q4_cahra", r"conflict-affected"),
    ("q5_recycled_scrap", r"100 percent"),
    ("q6_response_rate", r"percentage of relevant suppliers"),
    ("q7_all_smelters_identified", r"identified all of the smelters"),
    ("q8_all_smelters_reported", r"all applicable smelter"),
)
COMPANY_KEYS: tuple[tuple[str, str], ...] = (
    ("policy_public", r"publicly available on your website"),
    ("policy_established", r"established a (responsible minerals|publicly available cobalt) "
                           r"sourcing policy"),
    ("policy_covers_annex2", r"does your policy cover"),
    ("due_diligence_implemented", r"implemented due diligence measures"),
    ("requires_supplier_dd_annex2", r"suppliers' due diligence practices to cover"),
    ("requires_supplier_dd", r"require suppliers to exercise due diligence"),
    ("requires_audited_smelters", r"require your direct suppliers to source"),
    ("surveys_suppliers", r"survey\(s\)"),
    ("reviews_supplier_dd", r"review due diligence information"),
    ("corrective_action_review", r"corrective action management"),
    ("annual_disclosure", r"file an annual"),
)
COMPANY_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", r"^Company Name"),
    ("scope", r"^Declaration Scope"),
    ("company_id_authority", r"^Company Unique ID Authority"),
    ("company_id", r"^Company Unique ID"),
    ("address", r"^Address"),
    ("contact_name", r"^Contact Name"),
    ("contact_email", r"^Email\s*[\u2013-]\s*Contact"),
    ("contact_phone", r"^Phone\s*[\u2013-]\s*Contact"),
    ("authorizer_title", r"^Title\s*[\u2013-]\s*Authorizer"),
    ("authorizer_email", r"^Email\s*[\u2013-]\s*Authorizer"),
    ("authorizer_phone", r"^Phone\s*[\u2013-]\s*Authorizer"),
    ("authorizer", r"^Authorizer"),
    ("effective_date", r"^Effective Date"),
)
METALS = ("tantalum", "tin", "gold", "tungsten", "cobalt", "mica", "copper", "graphite",
          "lithium", "nickel")
SMELTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("reported_id", r"^Smelter Identification Number Input"),
    ("metal", r"^Metal"),
    ("lookup_name", r"^Smelter Look-up"),
    ("name", r"^Smelter Name"),
    ("country_name", r"^Smelter Country"),
    ("cid", r"^Smelter Identification$"),
    ("id_source", r"^Source of Smelter Identification"),
    ("street", r"^Smelter Street"),
    ("city", r"^Smelter City"),
    ("state_province", r"^Smelter Facility Location"),
    ("contact_name", r"^Smelter Contact Name"),
    ("contact_email", r"^Smelter Contact Email"),
    ("next_steps", r"^Proposed next steps"),
    ("mine_names", r"^Name of Mine"),
    ("mine_country_name", r"^Location \(Country\) of Mine"),
    ("recycled_scrap", r"^Does 100% of the smelter"),
    ("comments", r"^Comments"),
)
PRODUCT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", r"Product Number"),
    ("name", r"Product Name"),
    ("comments", r"^Comments"),
)
MINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("metal", r"^Metal"),
    ("smelter_names", r"^Name of Smelter"),
    ("mine_name", r"^Mine Facility \(Site\) Name"),
    ("mine_id", r"^Mine Identification"),
    ("id_source", r"^Source of Mine Facility"),
    ("country_name", r"^Mine Facility Country"),
    ("street", r"^Mine Facility Street"),
    ("city", r"^Mine Facility City"),
    ("state_province", r"^Mine Facility Location"),
    ("contact_name", r"^Mine Facility Contact Name"),
    ("contact_email", r"^Mine Facility Contact Email"),
    ("next_steps", r"^Proposed next steps"),
    ("comments", r"^Comments"),
)
ANSWER_COLUMN, COMMENT_COLUMN = "D", "G"


class CellMapError(ValueError):
    """The template does not have the structure the builder expects."""


def _titles(book: CalamineWorkbook) -> list[str]:
    """The template's title in every language (what Declaration!D2 may display)."""
    for row in book.get_sheet_by_name("L").to_python()[1:]:
        if str(row[1]) == "Declaration" and str(row[2]) == "D2":
            return sorted({str(v).strip() for v in row[3:] if str(v).strip()})
    return []


def _labels(book: CalamineWorkbook) -> tuple[list[str], dict[str, dict[str, str]]]:
    rows = book.get_sheet_by_name("L").to_python()
    languages = [str(h) for h in rows[0][3:] if str(h).strip()]
    out: dict[str, dict[str, str]] = {}
    for row in rows[1:]:
        sheet, cell, english = str(row[1]), str(row[2]), row[3]
        if sheet and re.fullmatch(r"[A-Z]{1,3}\d+", cell):
            out.setdefault(sheet, {})[cell] = str(english).strip()
    return languages, out


def template_version(book: CalamineWorkbook, j3: Any = None, history: bool = True
                     ) -> str | None:
    """The newest revision a workbook names, in Declaration!J3 or its Revision history.

    Revisions are decimals (6.31 < 6.4 < 6.5). CRT 2.21's file still says 2.2 everywhere and
    has the same labels, look-up and cells as 2.2, so it reads as 2.2.
    """
    if j3 is None:
        j3 = Sheet(book, "Declaration").get("J3")
    found: list[str] = re.findall(r"Revision\s+(\d+\.\d+)", str(j3 or ""))[:1]
    if found and not history:
        return found[0]
    try:
        history = book.get_sheet_by_name("Revision").to_python()
    except Exception:
        history = []
    for row in history:
        value = row[0] if row else None
        if isinstance(value, float) and 0 < value < 100:
            found.append(f"{value}")
        elif isinstance(value, str) and re.fullmatch(r"\d+\.\d+", value.strip()):
            found.append(value.strip())
    if not found:
        return None
    return max(found, key=float)


def template_type(english_title: str) -> str:
    """cmrt, emrt or crt from the English template title."""
    for kind in ("CMRT", "EMRT", "CRT"):
        if f"({kind})" in english_title:
            return kind.lower()
    raise CellMapError(f"not an RMI template title: {english_title!r}")


def _list_cells(path: Path) -> dict[str, str]:
    """Declaration cell -> its list-validation formula (e.g. D26 -> $B$96:$B$97)."""
    out: dict[str, str] = {}
    for validation in validations(path, "Declaration"):
        if validation.kind != "list" or not validation.formula:
            continue
        for ref in validation.cells:
            for cell in expand_range(ref):
                out[cell] = validation.formula
    return out


def _allowed(declaration: Sheet, formula: str) -> list[str]:
    """The English answers a list validation offers.

    The answer lists hold English constants; sheet L's keys for them are stale in some
    versions, so the cells themselves are the truth.
    """
    if ":" not in formula:
        return []
    answers = []
    for cell in expand_range(formula.replace("$", "")):
        text = declaration.get(cell)
        if isinstance(text, float) and text == 1.0:
            text = "100%"
        text = str(text or "").strip()
        if text:
            answers.append(text)
    return answers


def _key(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    lowered = text.lower().replace("\u2019", "'")
    for key, pattern in table:
        if re.search(pattern, lowered if pattern.islower() else text, flags=re.IGNORECASE):
            return key
    return None


def build_cellmap(path: Path) -> dict[str, Any]:
    """The cell map of one blank template."""
    book = CalamineWorkbook.from_path(str(path))
    languages, labels = _labels(book)
    decl = labels.get("Declaration", {})
    kind = template_type(decl.get("D2", ""))
    sheet = Sheet(book, "Declaration")
    version = template_version(book, sheet.get("J3"))
    if version is None:
        raise CellMapError(f"{path.name}: no revision number found")
    hidden = hidden_rows(path, "Declaration")
    lists = {cell: f for cell, f in _list_cells(path).items() if parse_ref(cell)[0] not in hidden}
    by_row = sorted(((parse_ref(cell)[0], cell, text) for cell, text in decl.items()
                     if cell.startswith("B")), key=lambda item: item[0])
    company: dict[str, str] = {}
    for row, _cell, text in by_row:
        for key, pattern in COMPANY_FIELDS:
            if re.search(pattern, text) and key not in company:
                company[key] = f"{ANSWER_COLUMN}{row}"
                break
    if "scope" in company:
        company["scope_description"] = f"{ANSWER_COLUMN}{parse_ref(company['scope'])[0] + 1}"
    label_rows = [(row, text) for row, _c, text in by_row if re.match(r"^(\d\)|[A-I]\.) ", text)]
    label_rows.append((10**6, ""))
    # EMRT 2.x: minerals are chosen in cells whose dropdown offers "X" or "(Delete X)".
    selector = sorted((c for c in lists if "(Delete" in str(_allowed(sheet, lists[c]))),
                      key=parse_ref)
    fixed_metals = _fixed_metals(decl, label_rows[0][0])
    questions, company_questions = [], []
    for (row, text), (next_row, _n) in itertools.pairwise(label_rows):
        answer_rows = [r for r in range(row, next_row)
                       if f"{ANSWER_COLUMN}{r}" in lists and r not in
                       {parse_ref(c)[0] for c in company.values()}]
        if not answer_rows:
            continue
        formula = lists[f"{ANSWER_COLUMN}{answer_rows[0]}"]
        allowed = sorted({a for r in answer_rows for a in
                          _allowed(sheet, lists[f"{ANSWER_COLUMN}{r}"])})
        if text[0].isdigit():
            key = _key(text, QUESTION_KEYS)
            if key is None:
                raise CellMapError(f"{path.name}: unrecognised question {text[:60]!r}")
            rows = [r for r in answer_rows if r > row]
            metals = None if selector else [fixed_metals[r - row - 1] for r in rows
                                            if r - row - 1 < len(fixed_metals)]
            if metals is not None:
                rows = rows[:len(metals)]
            questions.append({"key": key, "number": int(text[0]), "label": f"B{row}",
                              "rows": rows, "metals": metals, "answers": allowed})
        else:
            key = _key(text, COMPANY_KEYS)
            if key is None:
                raise CellMapError(f"{path.name}: unrecognised company question {text[:60]!r}")
            per_metal = answer_rows[0] > row
            metals = None if selector or not per_metal else [
                fixed_metals[r - row - 1] for r in answer_rows if r - row - 1 < len(fixed_metals)]
            entry = {"key": key, "letter": text[0], "label": f"B{row}",
                     "cell": None if per_metal else f"{ANSWER_COLUMN}{row}",
                     "rows": answer_rows if per_metal else None, "answers": allowed}
            if metals is not None:
                entry["metals"] = metals
            del formula
            company_questions.append(entry)
    if not questions:
        raise CellMapError(f"{path.name}: no declaration questions found")
    smelter = _columns(labels.get("Smelter List", {}), 4, SMELTER_COLUMNS)
    products = _columns(labels.get("Product List", {}), 5, PRODUCT_COLUMNS, first=True)
    mines = _columns(labels.get("Mine List", {}), 4, MINE_COLUMNS)
    return {
        "type": kind,
        "version": version,
        "languages": languages,
        "titles": _titles(book),
        "company": company,
        "minerals_selector": selector,
        "questions": questions,
        "company_questions": company_questions,
        "smelter_list": {"sheet": "Smelter List", "header_row": 4, "first_row": 5,
                         "columns": smelter},
        "product_list": {"sheet": "Product List", "header_row": 5, "first_row": 6,
                         "columns": products} if products else None,
        "mine_list": {"sheet": "Mine List", "header_row": 4, "first_row": 5,
                      "columns": mines} if mines else None,
        "answer_column": ANSWER_COLUMN,
        "comment_column": COMMENT_COLUMN,
    }


def _columns(labels: dict[str, str], header_row: int, table: tuple[tuple[str, str], ...],
             first: bool = False) -> dict[str, str]:
    """Column letter of each known header, from the sheet's labels in L (header row only)."""
    out: dict[str, str] = {}
    headers = sorted(((parse_ref(cell)[1], cell, text) for cell, text in labels.items()
                      if parse_ref(cell)[0] == header_row))
    for key, pattern in table:
        for _col, cell, text in headers:
            if re.search(pattern, text) and key not in out and cell not in out.values():
                out[key] = re.sub(r"\d+", "", cell)
                if first:
                    break
    return out


def _fixed_metals(decl: dict[str, str], first_label_row: int) -> list[str]:
    """Metal of each answer row under question 1 (CMRT, CRT, EMRT 1.x), from L's labels."""
    out = []
    row = first_label_row + 1
    while f"B{row}" in decl:
        name = decl[f"B{row}"].strip().lower()
        if name not in METALS:
            break
        out.append(name)
        row += 1
    return out


def build_all(paths: list[Path]) -> dict[str, dict[str, Any]]:
    """Cell maps of several templates keyed `type-version`; identical duplicates collapse."""
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        cellmap = build_cellmap(path)
        key = f"{cellmap['type']}-{cellmap['version']}"
        if key in out and out[key] != cellmap:
            raise CellMapError(f"{path.name}: differs from another template that also reads "
                               f"as {key}")
        out[key] = cellmap
    return dict(sorted(out.items()))

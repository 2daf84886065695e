"""Round trip: filled workbooks (tests/fixtures) read back to what was typed into them.

The fixtures were written into RMI's real blank templates and recalculated by LibreOffice
(tests/fixtures/make_workbooks.py); the spec that made them, tests/fixtures/workbooks.yaml, is
the oracle here. Expected values are derived from the spec's cells through the cell maps and
the normaliser, and compared with the facts read back.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from assay.engine.ingest import read_file
from assay.engine.ingest.normalise import Countries, answer, metal
from assay.engine.ingest.template import cellmaps, detect
from assay.engine.ingest.workbook import open_workbook

from .conftest import REPO

FIXTURES = REPO / "tests" / "fixtures"


class _SpecLoader(yaml.SafeLoader):
    """As the generator reads the spec: Yes/No stay the text typed into the dropdown."""


_SpecLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_text(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value if value is None or isinstance(value, bool) else str(value)


SPEC = _text(yaml.load((FIXTURES / "workbooks.yaml").read_text(encoding="utf-8"),
                       Loader=_SpecLoader))
ENTRIES = [e for e in SPEC["workbooks"] if e.get("recalculate", "true") != "false"]
SIX = ["cobalt", "copper", "graphite", "lithium", "mica", "nickel"]


def _files(entry: dict[str, Any]) -> list[Path]:
    base = FIXTURES / "workbooks" / entry["name"]
    return [base.with_suffix(".xlsx")] + ([base.with_suffix(".xls")]
                                         if entry.get("xls") == "true" else [])


CASES = [(entry, path) for entry in ENTRIES for path in _files(entry)]


def _cmap(path: Path) -> dict[str, Any]:
    _key, cmap = detect(open_workbook(path, path.name), path.name)
    return cmap


def _metal_rows(cmap: dict[str, Any], question: dict[str, Any], typed: dict[str, str]
                ) -> list[tuple[int, str]]:
    if question.get("metals"):
        return list(zip(question["rows"], question["metals"], strict=False))
    chosen = [m for m in SIX if not any(v == f"(Delete {m.title()})" for v in typed.values())]
    return list(zip(question["rows"], sorted(chosen), strict=False))


def _num(value: str) -> Any:
    return 1.0 if value == "1" else value


@pytest.mark.parametrize(("entry", "path"), CASES, ids=[p.name for _e, p in CASES])
def test_declaration_reads_back(entry: dict[str, Any], path: Path) -> None:
    cmap = _cmap(path)
    typed = entry.get("Declaration", {})
    result = read_file(path, as_of=dt.date(2026, 11, 25))
    declarations = {f.declaration.metal: f for f in result.facts if f.kind == "declaration"}
    some = next(iter(declarations.values()))
    assert some.supplier.name == typed[cmap["company"]["name"]]
    assert some.supplier.effective_date == dt.date.fromisoformat(
        typed[cmap["company"]["effective_date"]])
    assert some.supplier.contact_email == typed[cmap["company"]["contact_email"]]
    assert some.template.language == typed["D3"]
    checked = 0
    for question in cmap["questions"]:
        for row, name in _metal_rows(cmap, question, typed):
            expected, _ = answer(question["key"], _num(typed.get(f"D{row}", "")))
            got = getattr(declarations[name].declaration, question["key"])
            assert got == expected, f"{path.name} D{row} ({name} {question['key']})"
            checked += expected is not None
    for question in cmap["company_questions"]:
        rows = [(question["cell"], None)] if question["cell"] else [
            (f"D{r}", m) for r, m in _metal_rows(cmap, question, typed)]
        for cell, name in rows:
            expected, _ = answer(question["key"], typed.get(cell, ""))
            fact = declarations[name] if name else some
            assert getattr(fact.company, question["key"]) == expected, f"{path.name} {cell}"
            checked += expected is not None
    assert checked >= 10, "the fixture should answer most questions"
    assert some.supplier.products_listed == len(entry.get("product_rows", []))
    if cmap["mine_list"]:
        mines = entry.get("mine_rows", [])
        for name, fact in declarations.items():
            assert fact.declaration.mines_listed == sum(metal(m["A"]) == name for m in mines)


@pytest.mark.parametrize(("entry", "path"), CASES, ids=[p.name for _e, p in CASES])
def test_smelter_rows_read_back(entry: dict[str, Any], path: Path) -> None:
    result = read_file(path)
    smelters = [f for f in result.facts if f.kind == "smelter"]
    typed_rows = entry.get("smelter_rows", [])
    assert [f.provenance.row for f in smelters] == list(range(5, 5 + len(typed_rows)))
    countries = Countries.load()
    seen: set[tuple[str | None, str | None]] = set()
    for fact, typed in zip(smelters, typed_rows, strict=True):
        s = fact.smelter
        assert fact.provenance.cell == f"A{fact.provenance.row}"
        lookup = typed.get("C", "").casefold()
        if lookup == "smelter not listed":
            assert s.row_state == "not_listed"
            assert s.name == typed["D"]
            assert s.country == countries.code(typed["E"])[0]
            assert s.cid is None and s.match_method == "none"
        elif lookup == "smelter not yet identified":
            assert s.row_state == "not_yet_identified"
            assert s.name is None and s.cid is None
        else:
            assert s.row_state == "listed"
            assert s.resolved_cid is not None and s.cid_valid
            if "A" in typed:
                assert s.resolved_cid == typed["A"] and s.match_method == "cid"
            if "B" in typed:
                assert s.metal == metal(typed["B"])
            key = (s.metal, s.resolved_cid)
            assert s.duplicate == (key in seen)
            seen.add(key)
            assert s.country and s.country == s.reference_country


def test_languages_read_alike() -> None:
    english = read_file(FIXTURES / "workbooks" / "cmrt65_en.xlsx").facts
    chinese = read_file(FIXTURES / "workbooks" / "cmrt65_zh.xlsx").facts

    def comparable(facts: list) -> list:
        return [f.model_dump(exclude={"provenance", "template"}) for f in facts]

    assert comparable(english) == comparable(chinese)


def test_xls_reads_like_xlsx() -> None:
    xlsx = read_file(FIXTURES / "workbooks" / "cmrt65_en.xlsx").facts
    xls = read_file(FIXTURES / "workbooks" / "cmrt65_en.xls").facts
    assert [f.model_dump(exclude={"provenance"}) for f in xlsx] == \
        [f.model_dump(exclude={"provenance"}) for f in xls]


def test_a_workbook_saved_without_cached_values_still_reads() -> None:
    # A tool that writes values but computes no formula: look-up columns are empty, so rows
    # are resolved from what was typed (CID in A, or metal + look-up name).
    facts = read_file(FIXTURES / "workbooks" / "cmrt65_en_nocache.xlsx").facts
    smelters = [f.smelter for f in facts if f.kind == "smelter"]
    assert smelters[0].resolved_cid == "CID002763"
    assert smelters[1].resolved_cid == "CID000292"
    assert smelters[1].metal == "tin"
    declarations = [f for f in facts if f.kind == "declaration"]
    assert declarations[0].supplier.name == "Fictitious Components Co (example)"
    assert {d.declaration.metal for d in declarations} == {"tantalum", "tin", "gold",
                                                           "tungsten"}


def test_duplicate_rows_are_reported_not_counted() -> None:
    result = read_file(FIXTURES / "workbooks" / "cmrt65_en.xlsx")
    gold = next(f for f in result.facts if f.kind == "declaration"
                and f.declaration.metal == "gold")
    assert gold.declaration.smelter_rows == 1  # rows 5 and 9 are the same refiner
    assert any("repeats row 5" in n.message for n in result.notes)


def test_reading_one_cmrt_is_fast_enough_to_feel_instant() -> None:
    path = FIXTURES / "workbooks" / "cmrt65_en.xlsx"
    read_file(path)
    started = time.perf_counter()
    read_file(path)
    # A generous bound that only catches accidental quadratic work, not a benchmark
    # (benchmarks/ holds the figures).
    assert time.perf_counter() - started < 2.0


def test_every_fixture_template_is_covered() -> None:
    kinds = {_cmap(path)["type"] for _e, path in CASES}
    assert kinds == {"cmrt", "emrt", "crt"}
    assert set(cellmaps())  # maps are shipped

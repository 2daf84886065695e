"""CSV smelter lists and assay's JSON fact files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.engine.ingest import IngestError, read_file


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "portal.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_rows_are_normalised_and_resolved(tmp_path: Path) -> None:
    path = _csv(tmp_path, "smelter.metal,smelter.name,smelter.country,smelter.cid,supplier.name\n"
                "Gold,Argor-Heraeus SA,Switzerland,CID000077,Portal Co\n"
                "tin,thaisarco,THAILAND,,Portal Co\n"
                "Tin,Some New Smelter,Narnia,CID12,Portal Co\n"
                ",,,,\n")
    result = read_file(path)
    gold, tin, unknown = result.facts
    assert gold.smelter.match_method == "cid" and gold.smelter.country == "CH"
    assert gold.smelter.standard_name == "Argor-Heraeus S.A."
    assert tin.smelter.match_method == "alias" and tin.smelter.resolved_cid == "CID001898"
    assert unknown.smelter.country is None and unknown.smelter.cid_valid is False
    assert unknown.smelter.match_method == "none"
    assert [str(n).split("/")[-1] for n in result.notes] == [
        "portal.csv:row 4: unknown country 'Narnia'",
        "portal.csv:row 4: 'CID12' is not a CID (CID followed by six digits)"]
    assert tin.provenance.row == 3


def test_fuzzy_match_records_its_score(tmp_path: Path) -> None:
    path = _csv(tmp_path, "smelter.metal,smelter.name,smelter.country\n"
                "gold,Argor-Heraeos S.A.,CH\n")
    fact = read_file(path).facts[0]
    assert fact.smelter.match_method == "fuzzy"
    assert fact.smelter.resolved_cid == "CID000077"
    assert 88 <= (fact.smelter.match_score or 0) < 100


def test_csv_with_an_unknown_column_is_one_located_error(tmp_path: Path) -> None:
    path = _csv(tmp_path, "smelter.metal,smelter.nmae\ntin,x\n")
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert str(info.value).split("/")[-1].startswith(
        "portal.csv:1: unknown column 'smelter.nmae'")


def test_json_facts_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps([{"smelter": {"metal": "tin", "country": "CD"}},
                                {"kind": "declaration", "declaration": {"metal": "gold"}}]))
    facts = read_file(path).facts
    assert [f.kind for f in facts] == ["smelter", "declaration"]
    assert facts[0].provenance.row == 1


def test_invalid_json_fact_names_the_item(tmp_path: Path) -> None:
    path = tmp_path / "facts.jsonl"
    path.write_text('{"smelter": {"metal": "tin"}}\n{"smelter": {"country": "Congo"}}\n')
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert str(info.value).split("/")[-1].startswith(
        "facts.jsonl:2: invalid fact: smelter.smelter.country")

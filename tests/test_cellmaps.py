"""The shipped cell maps and reference match RMI's blank templates, and detection works."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from assay.engine.ingest import IngestError, read_file
from assay.engine.ingest.cellmap_build import build_all
from assay.engine.ingest.template import cellmaps

from .conftest import REPO, SHARED

TEMPLATES = SHARED / "data" / "templates"
needs_templates = pytest.mark.skipif(not TEMPLATES.is_dir(), reason="../shared not present")
EXPECTED = {
    "RMI_CMRT_6.01.xlsx": "CMRT 6.01", "RMI_CMRT_6.1.xlsx": "CMRT 6.1",
    "RMI_CMRT_6.22.xlsx": "CMRT 6.22", "RMI_CMRT_6.31.xlsx": "CMRT 6.31",
    "RMI_CMRT_6.4.xlsx": "CMRT 6.4", "RMI_CMRT_6.5.xlsx": "CMRT 6.5",
    "RMI_EMRT_1.1.xlsx": "EMRT 1.1", "RMI_EMRT_1.11.xlsx": "EMRT 1.11",
    "RMI_EMRT_1.2.xlsx": "EMRT 1.2", "RMI_EMRT_1.3.xlsx": "EMRT 1.3",
    "RMI_EMRT_2.0.xlsx": "EMRT 2.0", "RMI_EMRT_2.1.xlsx": "EMRT 2.1",
    # CRT 2.21's file says 2.2 everywhere and matches 2.2 cell for cell (see docs/ingest.md).
    "RMI_CRT_2.2.xlsx": "CRT 2.2", "RMI_CRT_2.21.xlsx": "CRT 2.2",
}


@needs_templates
def test_shipped_cellmaps_match_the_templates() -> None:
    built = build_all(sorted(TEMPLATES.glob("RMI_*.xlsx")))
    shipped = json.loads((REPO / "engine" / "ingest" / "cellmaps.json").read_text())
    assert built == shipped, "run: python tools/build_cellmaps.py"
    assert cellmaps() == shipped


@needs_templates
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_blank_template_is_detected_from_content(tmp_path: Path, name: str) -> None:
    renamed = tmp_path / "supplier-answer.xlsx"  # the file name says nothing
    renamed.write_bytes((TEMPLATES / name).read_bytes())
    result = read_file(renamed)
    assert result.template == EXPECTED[name]
    declarations = [f for f in result.facts if f.kind == "declaration"]
    assert declarations and all(f.supplier.name is None for f in declarations)


def test_maps_cover_the_cmrt_questions() -> None:
    cmrt = cellmaps()["cmrt-6.5"]
    assert [q["key"] for q in cmrt["questions"]][:4] == [
        "q1_intentionally_added", "q2_remains_in_product", "q3_covered_countries", "q4_cahra"]
    assert cmrt["questions"][0]["rows"] == [26, 27, 28, 29]
    assert cmrt["questions"][0]["metals"] == ["tantalum", "tin", "gold", "tungsten"]
    assert cmrt["company"]["effective_date"] == "D22"
    assert {q["letter"]: q["cell"] for q in cmrt["company_questions"]}["H"] == "D89"
    assert cmrt["smelter_list"]["columns"]["cid"] == "F"


def test_a_workbook_that_is_not_a_template(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook  # noqa: F401 - calamine reads, never writes

    path = tmp_path / "budget.xlsx"
    _minimal_xlsx(path, "Budget")
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert str(info.value).startswith("")
    assert "not an RMI reporting template" in str(info.value)
    assert "Budget" in str(info.value)


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("broken.xlsx", b"PK\x03\x04 this is not a zip", "not a readable workbook"),
    ("empty.xlsx", b"", "not a readable workbook"),
    ("notes.txt", b"hello", "not a supplier file (.txt)"),
])
def test_broken_files_give_one_located_line(tmp_path: Path, name: str, content: bytes,
                                            expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        read_file(path)
    message = str(info.value)
    assert expected in message and "\n" not in message
    assert name in message


@needs_templates
def test_truncated_template_is_an_error(tmp_path: Path) -> None:
    data = (TEMPLATES / "RMI_CMRT_6.5.xlsx").read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError) as info:
        read_file(path)
    assert "truncated.xlsx" in str(info.value)


def _minimal_xlsx(path: Path, sheet: str) -> None:
    files = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
        'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
        'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.'
        f'org/officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" '
        't="inlineStr"><is><t>total</t></is></c></row></sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)


@needs_templates
def test_shipped_reference_matches_the_templates() -> None:
    from assay.engine.ingest.reference_build import build_countries, build_reference

    data = REPO / "engine" / "ingest" / "data"
    assert build_reference(TEMPLATES) == json.loads((data / "smelters.json").read_text()), \
        "run: python tools/build_reference.py"
    assert build_countries(TEMPLATES) == json.loads((data / "countries.json").read_text())

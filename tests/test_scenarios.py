"""Scenarios: the filled test workbooks evaluated with the bundled policy give the findings
their content calls for (rule, severity, and the supplier's cell the finding points at).

No RMAP status list is imported here, so no rule fires on an RMAP status alone; the
declaration date is fixed so currency rules do not depend on the day the tests run.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from assay.engine import default_policy, load_policy
from assay.engine.ingest import read_file

from .conftest import REPO

AS_OF = dt.date(2026, 11, 25)
WORKBOOKS = REPO / "tests" / "fixtures" / "workbooks"

SCENARIOS = {
    # CMRT 6.5, four metals, five smelter rows (see tests/fixtures/workbooks.yaml).
    "cmrt65_en.xlsx": [
        # Company question F yes but G (corrective action) no: once per in-scope metal.
        *[("OECD-RF-010", "low", "Declaration!D85")] * 3,
        # Q7 yes for tantalum while its only row is "Smelter not yet identified".
        ("DQ-CONTRA-003", "medium", "Declaration!D62"),
        # Tin: Q3 covered countries "Unknown", Q4 CAHRA "Unknown".
        ("OECD-DECL-COVERED-001", "medium", "Declaration!D39"),
        ("OECD-RF-003", "medium", "Declaration!D45"),
        # Tin Q7 no / Q8 yes and gold Q7 yes / Q8 no: inconsistent completeness answers.
        ("DQ-DECL-015", "medium", "Declaration!D63"),
        ("DQ-DECL-015", "medium", "Declaration!D64"),
        # Gold: 100% recycled (Q5 yes) yet CAHRA sourcing (Q4 yes), response rate 50% or less,
        # and a listed refiner whose own feedstock is not recycled.
        ("OECD-ANNEX2-ML-003", "medium", "Declaration!D52"),
        ("OECD-RF-003", "medium", "Declaration!D46"),
        ("DQ-DECL-014", "medium", "Declaration!D58"),
        ("DQ-CONTRA-004", "medium", "Declaration!D52"),
        # Rows: a "Smelter not listed" tin smelter, a tantalum smelter not yet identified, and
        # row 9 repeating row 5's refiner.
        ("RMAP-STATUS-004", "medium", "Smelter List!C7"),
        ("DQ-SMELTER-008", "medium", "Smelter List!C8"),
        ("DQ-SMELTER-007", "info", "Smelter List!A9"),
    ],
    # EMRT 2.1 with cobalt, lithium and mica; a mica processor "not listed" in India.
    "emrt21_en.xlsx": [
        *[("OECD-RF-010", "low", "Declaration!D135")] * 2,
        ("OECD-ANNEX2-SECURITY-002", "medium", "Declaration!D56"),
        ("OECD-RF-007", "low", "Declaration!D122"),
        ("OECD-RF-004", "high", "Declaration!D56"),
        ("CM-MICA-002", "medium", "Declaration!D56"),
        ("DQ-DECL-014", "medium", "Declaration!D80"),
        ("DQ-DECL-015", "medium", "Declaration!D92"),
        ("RMAP-STATUS-004", "medium", "Smelter List!C7"),
        ("CM-MICA-001", "high", "Smelter List!E7"),
    ],
    # CRT 2.21: cobalt from the DRC or adjoining countries, a DRC refiner and a fictitious
    # DRC refiner "not listed".
    "crt221_en.xlsx": [
        ("OECD-RF-010", "low", "Declaration!D77"),
        ("OECD-RF-004", "high", "Declaration!D32"),
        ("CM-COBALT-002", "medium", "Declaration!D32"),
        ("CM-POLICY-002", "low", "Declaration!D73"),
        ("DQ-DECL-015", "medium", "Declaration!D50"),
        ("CM-COBALT-001", "high", "Smelter List!E5"),
        ("RMAP-STATUS-004", "medium", "Smelter List!C7"),
        ("CM-COBALT-001", "high", "Smelter List!E7"),
        ("DQ-SMELTER-008", "medium", "Smelter List!C8"),
    ],
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_findings(name: str) -> None:
    policy = load_policy(default_policy())
    facts = read_file(WORKBOOKS / name, as_of=AS_OF).facts
    with policy.evaluator() as evaluator:
        result = evaluator.evaluate(facts)
    assert not result.errors
    got = Counter((f.rule_id, f.severity, f"{f.provenance.sheet}!{f.provenance.cell}")
                  for f in result.findings)
    assert got == Counter(SCENARIOS[name])


def test_a_conformant_status_list_quiets_the_smelter_rules() -> None:
    from assay.engine.ingest.rmap import Status, StatusList

    policy = load_policy(default_policy())
    statuses = StatusList({"CID003264": Status("conformant", "Conformant", AS_OF)}, "test",
                          AS_OF)
    facts = read_file(WORKBOOKS / "crt221_en.xlsx", as_of=AS_OF, statuses=statuses).facts
    with policy.evaluator() as evaluator:
        cells = {(f.rule_id, f.provenance.cell) for f in evaluator.evaluate(facts).findings}
    assert ("CM-COBALT-001", "E5") not in cells  # Chemaf Etoile is now conformant
    assert ("CM-COBALT-001", "E7") in cells  # the fictitious refiner is not

"""The `assay` command as users run it: installed, from any directory, with exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, rule_yaml

EXAMPLES = REPO / "examples" / "facts"
EXPLAIN = REPO / "examples" / "explain" / "kivu-tin.json"


def assay(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSAY_HOME": str(cwd / ".assay-home")}
    return subprocess.run([sys.executable, "-m", "assay.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_check_and_test_find_the_bundled_rules_from_anywhere(tmp_path: Path) -> None:
    checked = assay("check", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 error(s)" in checked.stderr
    tested = assay("test", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout
    assert " 0 failed" in tested.stdout
    assert "OECD-ANNEX2-ARMED-001" in tested.stdout


def test_check_reports_ten_located_errors_and_exits_1(tmp_path: Path) -> None:
    result = assay("check", str(REPO / "tests" / "data" / "ten_mistakes.yaml"), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 10
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in lines)
    assert "10 error(s)" in result.stderr


def test_check_json_output(tmp_path: Path) -> None:
    result = assay("check", "--format", "json", str(REPO / "tests" / "data" /
                                                      "ten_mistakes.yaml"), cwd=tmp_path)
    items = json.loads(result.stdout)
    assert len(items) == 10 and {"file", "line", "column", "rule", "field", "message"} <= set(
        items[0])


def test_test_reports_failures_and_untested_rules(tmp_path: Path) -> None:
    text = rule_yaml("T-1", "{smelter.cid: {missing: true}}") + \
        "  tests:\n    - fact: {smelter: {cid: CID000001}}\n      expect: fires\n" + \
        rule_yaml("T-2", "{smelter.cid: {present: true}}")
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = assay("test", str(path), cwd=tmp_path)
    assert result.returncode == 1
    assert "FAIL T-1" in result.stdout
    assert "expected it to fires, it stayed quiet" in result.stdout.replace("\n", " ") or \
        "stayed quiet" in result.stdout
    assert "none T-2: no tests" in result.stdout
    assert "0 passed, 1 failed, 1 rule(s) without tests, 1 coverage gap(s)" in result.stdout
    assert "half T-1: no test where it stays quiet" in result.stdout


def test_explain_shows_each_condition(tmp_path: Path) -> None:
    result = assay("explain", "OECD-ANNEX2-ARMED-001", "--fact",
                   str(EXPLAIN), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "✓ smelter.country in $covered_countries  (fact: 'CD')" in result.stdout
    assert "✗ smelter.rmap_status equals 'conformant'  (fact: 'not_enrolled')" in result.stdout
    assert result.stdout.strip().endswith("fires")
    as_json = json.loads(assay("explain", "OECD-ANNEX2-ARMED-001", "--fact",
                               str(EXPLAIN), "-f", "json",
                               cwd=tmp_path).stdout)
    assert as_json["held"] is True


def test_explain_unknown_rule_is_a_usage_error(tmp_path: Path) -> None:
    result = assay("explain", "OECD-ANNEX2-ARMED-01", "--fact",
                   str(EXPLAIN), cwd=tmp_path)
    assert result.returncode == 2
    assert "did you mean 'OECD-ANNEX2-ARMED-001'" in result.stderr


def test_evaluate_example_and_fail_on(tmp_path: Path) -> None:
    result = assay("evaluate", str(EXAMPLES), "-f", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    rules = sorted({f["rule_id"] for f in data["findings"]})
    assert "OECD-ANNEX2-ARMED-001" in rules and "DQ-SMELTER-002" in rules
    high = assay("evaluate", str(EXAMPLES), "--fail-on", "high", "-o",
                 str(tmp_path / "out.csv"), "-f", "csv", cwd=tmp_path)
    assert high.returncode == 1
    assert (tmp_path / "out.csv").read_text().startswith("severity,rule,")
    critical = assay("evaluate", str(EXAMPLES), "--fail-on", "critical", "-f", "jsonl",
                     cwd=tmp_path)
    assert critical.returncode == 0


def test_evaluate_unreadable_file_exits_2_and_keeps_going(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"smelter": {"name": "ok"}}\n{not json\n', encoding="utf-8")
    result = assay("evaluate", str(broken), str(EXAMPLES / "suppliers.jsonl"), "-f", "json",
                   cwd=tmp_path)
    assert result.returncode == 2
    assert "broken.jsonl:2:2: invalid JSON" in result.stderr
    assert json.loads(result.stdout)["facts"] == 5  # the broken file is skipped whole


def test_invalid_policy_is_a_located_usage_error(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("policy: p\ntitle: P\nminerals: [tin, gold, mika]\npacks: [rmap]\n",
                      encoding="utf-8")
    result = assay("evaluate", str(EXAMPLES), "--policy", str(policy), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("policy.yaml:3:")
    assert "minerals[2]" in result.stderr


@pytest.mark.parametrize("kind", ["rules", "list", "policy", "parameters"])
def test_committed_schemas_are_current(tmp_path: Path, kind: str) -> None:
    result = assay("schema", kind, cwd=tmp_path)
    committed = REPO / "docs" / "schema" / f"{kind}.schema.json"
    assert json.loads(result.stdout) == json.loads(committed.read_text()), (
        f"run: assay schema {kind} -o docs/schema/{kind}.schema.json")


def test_version_names_the_rules_digest(tmp_path: Path) -> None:
    result = assay("--version", cwd=tmp_path)
    assert result.stdout.startswith("assay ") and "bundled rules" in result.stdout


def test_rules_list_and_fields(tmp_path: Path) -> None:
    listed = json.loads(assay("rules", "list", "-f", "json", cwd=tmp_path).stdout)
    assert {r["id"] for r in listed} >= {"RMAP-STATUS-001", "DQ-SMELTER-001"}
    fields = assay("rules", "fields", "-f", "csv", cwd=tmp_path).stdout
    assert "smelter,smelter.country,country," in fields


def test_reference_import_then_facts_carry_the_status(tmp_path: Path) -> None:
    statuses = tmp_path / "rmap.csv"
    statuses.write_text("Smelter ID,Standard Smelter Name,RMAP Status,Status Date\n"
                        "CID000077,Argor-Heraeus,Conformant,2026-10-01\n"
                        "CID001898,Thaisarco,Active,2026-10-01\n", encoding="utf-8")
    imported = assay("reference", "import", str(statuses), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 statuses (1 active, 1 conformant)" in imported.stdout
    portal = tmp_path / "portal.csv"
    portal.write_text("smelter.metal,smelter.name,smelter.cid\ngold,x,CID000077\n"
                      "tin,Thaisarco,\ngold,Unknown Refinery,\n", encoding="utf-8")
    facts = [json.loads(line) for line in assay("facts", str(portal), "-f", "jsonl",
                                                cwd=tmp_path).stdout.splitlines()]
    assert [f["smelter"].get("rmap_status") for f in facts] == ["conformant", "active", None]
    assert facts[0]["smelter"]["rmap_status_date"] == "2026-10-01"


def test_reference_import_rejects_a_list_without_headers(tmp_path: Path) -> None:
    bad = tmp_path / "list.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    result = assay("reference", "import", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert "no header row with a CID column" in result.stderr


def test_facts_without_a_status_list_says_so(tmp_path: Path) -> None:
    portal = tmp_path / "portal.csv"
    portal.write_text("smelter.metal,smelter.name\ntin,Thaisarco\n", encoding="utf-8")
    result = assay("facts", str(portal), cwd=tmp_path)
    assert result.returncode == 0
    assert "no RMAP status list imported" in result.stderr


def test_facts_and_evaluate_report_unreadable_files_and_go_on(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "broken.xlsx").write_bytes(b"not a zip")
    (tmp_path / "in" / "portal.csv").write_text("smelter.metal,smelter.name,smelter.country\n"
                                                 "tin,Kivu Example,CD\n", encoding="utf-8")
    result = assay("evaluate", str(tmp_path / "in"), "-f", "json", "-q", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "in/broken.xlsx: not a readable workbook (" + result.stderr.split("(", 1)[1].strip()]
    findings = json.loads(result.stdout)["findings"]
    assert {f["rule_id"] for f in findings} >= {"OECD-ANNEX2-ARMED-001"}

"""Loading rule files: every mistake located as FILE:LINE:COL: RULE-ID: field: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.engine import LoadError, load_rules
from assay.engine.api import bundled_lists
from assay.engine.rules.loader import check_rules

from .conftest import REPO, rule_yaml

TEN = REPO / "tests" / "data" / "ten_mistakes.yaml"


def test_ten_mistakes_give_ten_located_errors() -> None:
    _pack, problems = check_rules([TEN], bundled_lists())
    found = [(p.location.line, p.rule_id, p.field, p.message) for p in problems]
    expected = [
        (3, "BAD-001", "titel", "unknown key 'titel'; did you mean 'title'?"),
        (16, "BAD-002", "severity", "input should be"),
        (27, "BAD-003", "when.smelter.contry", "did you mean 'smelter.country'?"),
        (36, "BAD-004", "when.smelter.rmap_status.gt", "'gt' does not apply"),
        (45, "BAD-005", "when.smelter.country.in", "did you mean 'covered_countries'?"),
        (54, "BAD-006", "when.smelter.name.matches", "nested unbounded repetition"),
        (64, "BAD-007", "then[0].message", "did you mean 'smelter.name'?"),
        (75, "BAD-008", "tests[0].fact.smelter.rmap_status", "input should be"),
        (84, "BAD-009", "when.smelter.rmap_status.in[1]", "did you mean 'active'?"),
        (87, "BAD-001", "id", "duplicate rule id"),
    ]
    assert len(found) == len(expected), "\n".join(map(str, problems))
    for (line, rid, field, msg), (eline, erid, efield, emsg) in zip(found, expected,
                                                                     strict=True):
        assert (line, rid, field) == (eline, erid, efield)
        assert emsg in msg
    rendered = str(problems[0])
    assert rendered.startswith("tests/data/ten_mistakes.yaml:3:3: BAD-001: titel: ") or \
        rendered.endswith("titel: unknown key 'titel'; did you mean 'title'?")
    assert all(p.location.column > 0 for p in problems)


def test_load_rules_raises_with_all_problems() -> None:
    with pytest.raises(LoadError) as info:
        load_rules([TEN])
    assert len(info.value.problems) >= 10
    assert str(info.value).count("\n") == len(info.value.problems) - 1


def test_yaml_syntax_error_is_located(write_rules) -> None:
    path = write_rules("- id: X-1\n  title: [unclosed\n")
    _pack, problems = check_rules([path])
    assert len(problems) == 1
    assert problems[0].location.line >= 2
    assert "YAML syntax error" in problems[0].message


def test_python_tags_are_refused(write_rules) -> None:
    path = write_rules("- id: !!python/object/apply:os.system ['echo pwned']\n")
    _pack, problems = check_rules([path])
    assert any("not allowed" in p.message and p.location.line == 1 for p in problems)


def test_billion_laughs_is_bounded(write_rules) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("list: boom")
    path = write_rules("\n".join(lines) + "\n")
    _pack, problems = check_rules([path])
    assert any("more than" in p.message for p in problems)


def test_duplicate_yaml_keys_are_errors(write_rules) -> None:
    path = write_rules(rule_yaml("DUP-1", "{smelter.cid: {missing: true}}") +
                       "  severity: high\n")
    _pack, problems = check_rules([path])
    assert any("duplicate key 'severity'" in p.message for p in problems)


def test_duplicate_ids_across_files(write_rules) -> None:
    a = write_rules(rule_yaml("SAME-1", "{smelter.cid: {missing: true}}"))
    b = write_rules(rule_yaml("SAME-1", "{smelter.cid: {present: true}}"))
    _pack, problems = check_rules([a, b])
    assert next(p.message for p in problems).startswith("duplicate rule id")
    assert problems[0].location.file.endswith(b.name)


@pytest.mark.parametrize(("when", "expected"), [
    ("{smelter.country: {equals: Congo}}", "not an ISO 3166 alpha-2 country code"),
    ("{smelter.country: {equals: cd}}", "did you mean 'CD'"),
    ("{smelter.match_score: {ge: high}}", "expected a number"),
    ("{smelter.name: {contains: 5}}", "expected text"),
    ("{smelter.cid: {missing: false}}", "takes `true`"),
    ("{smelter.cid: {equal: x}}", "did you mean 'equals'"),
    ("{smelter.name: {matches: '(a)\\1'}}", "back-references not supported"),
    ("{smelter.rmap_status: {matches: 'a.*'}}", "applies to text fields"),
    ("{not: {smelter.name: {contains: x}}}", "cannot be negated"),
    ("{all: []}", "non-empty list"),
    ("{all: [{smelter.cid: {missing: true}}], any: []}", "must be alone"),
    ("{smelter.rmap_status_date: {lt: 'not a date'}}", "expected a date"),
])
def test_condition_mistakes(write_rules, when: str, expected: str) -> None:
    path = write_rules(rule_yaml("C-1", when))
    _pack, problems = check_rules([path], bundled_lists())
    assert problems, f"no problem reported for {when}"
    assert any(expected in p.message for p in problems), [str(p) for p in problems]
    assert all(p.location.line >= 1 for p in problems)


def test_field_of_the_other_fact_kind_is_explained(write_rules) -> None:
    path = write_rules(rule_yaml("K-1", "{smelter.country: {equals: CD}}",
                                 applies_to="declaration", message="x"))
    _pack, problems = check_rules([path], bundled_lists())
    assert len(problems) == 1
    assert "that field exists on smelter facts" in problems[0].message


def test_yes_no_in_yaml_reads_as_the_answer(load_text) -> None:
    pack = load_text(rule_yaml("YN-1", "{declaration.q3_covered_countries: {in: [yes, unknown]}}",
                               applies_to="declaration", message="x"))
    leaf = pack.rules[0].when
    assert leaf.value == ("yes", "unknown")


def test_list_files_need_source_and_date(write_rules) -> None:
    path = write_rules("list: x\ntitle: X\nentries: [a]\n")
    _pack, problems = check_rules([path])
    fields = sorted(p.field for p in problems)
    assert fields == ["retrieved", "source"]


def test_country_list_entries_are_checked(write_rules) -> None:
    path = write_rules("list: c\ntitle: C\nsource: s\nretrieved: 2026-01-01\n"
                       "item_type: country\nentries: [CD, XX]\n")
    _pack, problems = check_rules([path])
    assert len(problems) == 1 and problems[0].field == "entries[1]"
    assert problems[0].location.line == 6


def test_missing_file_is_reported(tmp_path: Path) -> None:
    _pack, problems = check_rules([tmp_path / "nope.yaml"])
    assert "no such file" in problems[0].message

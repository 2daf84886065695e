"""Property tests: the compiled durable_rules engine agrees with the reference evaluator."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assay.engine import Evaluator, SmelterFact
from assay.engine.reference import matches
from assay.engine.rules.model import Leaf, MessageTemplate, Rule, ThenAction
from assay.engine.rules.regex import (
    RegexError,
    check_engine_pattern,
    reference_pattern,
    translate,
)

from .strategies import GEN_FIELDS, conditions, facts_for, literal_pools

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _compare(rules: list[Rule], facts: list) -> None:
    with Evaluator(rules, batch_size=16) as ev:
        results = list(ev.iter_results(facts))
    for fact, result in zip(facts, results, strict=True):
        assert result.error is None, result.error
        compiled = sorted(f.rule_id for f in result.findings)
        reference = sorted(r.id for r in rules if matches(r, fact))
        assert compiled == reference, f"fact {fact.model_dump(exclude_defaults=True)}"


@pytest.mark.parametrize("kind", ["smelter", "declaration"])
@SETTINGS
@given(data=st.data())
def test_every_shipped_rule_compiled_equals_reference(bundled_pack, kind: str, data) -> None:
    rules = [r for r in bundled_pack.rules if r.applies_to == kind]
    assert rules, f"the bundled pack has no {kind} rules to check"
    facts = data.draw(st.lists(facts_for(kind, literal_pools(rules)), min_size=1, max_size=12))
    _compare(rules, facts)


def _rule(i: int, cond) -> Rule:
    return Rule(id=f"GEN-{i}", title="generated", applies_to="smelter", risk="data-quality",
                severity="low", reference="generated", when=cond,
                then=(ThenAction("act", MessageTemplate("m", ())),))


@SETTINGS
@given(st.lists(conditions(), min_size=1, max_size=4),
       st.lists(facts_for("smelter", {}, tuple(GEN_FIELDS)), min_size=1, max_size=10))
def test_generated_conditions_compiled_equals_reference(conds: list, facts: list) -> None:
    _compare([_rule(i, c) for i, c in enumerate(conds)], facts)


_ATOMS = ["a", "b", "-", "%", "\\.", ".", "[ab]", "[^a]", "[a-c]", "[-a]", "[]a]", "[%b]",
          "[\\^a]", "\\d", "[\\w-]", "\\s", "é", "\\?"]


@st.composite
def regexes(draw, depth: int = 2) -> str:
    if depth == 0:
        return draw(st.sampled_from(_ATOMS))
    kind = draw(st.sampled_from(["atom", "seq", "alt", "group", "rep"]))
    if kind == "atom":
        return draw(st.sampled_from(_ATOMS))
    if kind == "seq":
        return "".join(draw(st.lists(regexes(depth - 1), min_size=2, max_size=3)))
    if kind == "alt":
        return "(" + "|".join(draw(st.lists(regexes(depth - 1), min_size=2, max_size=3))) + ")"
    if kind == "group":
        return "(?:" + draw(regexes(depth - 1)) + ")"
    inner = draw(regexes(depth - 1))
    quant = draw(st.sampled_from(["*", "+", "?", "{2}", "{1,3}", "{0,2}", "{2,}", "*?"]))
    return "(" + inner + ")" + quant


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(regexes(), st.lists(st.text("ab-%.^]c1 é?\n", max_size=7), min_size=1, max_size=8),
       st.data())
def test_regex_translation_matches_python(pattern: str, texts: list[str], data) -> None:
    try:
        engine_pattern = translate(pattern)
        check_engine_pattern(engine_pattern, pattern)
    except RegexError:
        return  # refused patterns never reach the engine (the loader reports them)
    compiled = reference_pattern(pattern)
    samples = list(texts)
    samples.append(data.draw(st.from_regex(compiled, fullmatch=True).filter(
        lambda s: 0 < len(s) < 30)))
    from assay.engine import CATALOGUE

    spec = CATALOGUE.lookup("smelter", "smelter.name")
    assert spec is not None
    rule = _rule(0, Leaf(spec, "matches", pattern, regex=compiled, engine_regex=engine_pattern))
    facts = [SmelterFact(smelter={"name": s}) for s in samples if s]
    _compare([rule], facts)
    for fact in facts:
        assert matches(rule, fact) == (re.fullmatch(compiled, fact.smelter.name or "") is not None)

"""Run the inline tests that rules carry (`assay test`).

Each test fact goes through the compiled engine *and* the reference evaluator: a test passes
when both agree with the expectation (and with the expected message, when one is given), so
a rule test also checks the compiler on that rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .facts import FACT_MODELS
from .reference import matches
from .rules.model import Rule, RuleTest
from .runtime import Evaluator


@dataclass(frozen=True)
class TestOutcome:
    """The result of one inline test."""

    rule: Rule
    test: RuleTest
    passed: bool
    detail: str = ""

    @property
    def label(self) -> str:
        index = self.rule.tests.index(self.test) + 1
        return self.test.name or f"test {index}"


@dataclass(frozen=True)
class TestReport:
    """Outcomes of every inline test, and the rules that have none."""

    outcomes: tuple[TestOutcome, ...]
    untested: tuple[Rule, ...]
    # Rules whose tests never show them firing, or never show them staying quiet.
    one_sided: tuple[tuple[Rule, str], ...] = ()

    @property
    def failed(self) -> tuple[TestOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.passed)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.untested and not self.one_sided


def run_tests(rules: Sequence[Rule]) -> TestReport:
    """Run every rule's inline tests on the compiled engine and the reference."""
    cases = [(rule, test) for rule in rules for test in rule.tests]
    facts = [FACT_MODELS[rule.applies_to].model_validate({**test.fact, "kind": rule.applies_to})
             for rule, test in cases]
    # Each rule is tested in isolation: a test of one rule says nothing about the others.
    enabled = [r if r.enabled else _enabled(r) for r in rules]
    by_id = {r.id: r for r in enabled}
    outcomes = []
    with Evaluator(enabled) as evaluator:
        results = list(evaluator.iter_results(facts))
    for (rule, test), fact, result in zip(cases, facts, results, strict=True):
        live = by_id[rule.id]
        fired = [f for f in result.findings if f.rule_id == rule.id]
        compiled = bool(fired)
        reference = matches(live, fact)
        expected = test.expect == "fires"
        if result.error:
            outcomes.append(TestOutcome(rule, test, False, result.error))
        elif compiled != reference:
            outcomes.append(TestOutcome(rule, test, False, f"engine disagrees with reference: "
                                        f"compiled={compiled} reference={reference}"))
        elif compiled != expected:
            said = "fired" if compiled else "stayed quiet"
            outcomes.append(TestOutcome(rule, test, False, f"expected it to {test.expect}, it "
                                        f"{said}"))
        elif test.message is not None and fired[0].message != test.message:
            outcomes.append(TestOutcome(rule, test, False, f"message was {fired[0].message!r}, "
                                        f"expected {test.message!r}"))
        else:
            outcomes.append(TestOutcome(rule, test, True))
    untested = tuple(rule for rule in rules if not rule.tests)
    one_sided = tuple((rule, f"no test where it {missing}")
                      for rule in rules if rule.tests
                      for missing in ("fires", "stays quiet")
                      if not any(t.expect == ("fires" if missing == "fires" else "quiet")
                                 for t in rule.tests))
    return TestReport(tuple(outcomes), untested, one_sided)


def _enabled(rule: Rule) -> Rule:
    import dataclasses

    return dataclasses.replace(rule, enabled=True)

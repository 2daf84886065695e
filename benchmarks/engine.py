"""Throughput of assay's compiled engine against two baselines, on the same generated facts.

Why: the runtime asserts facts to durable_rules in batches (see engine/runtime.py) because one
call per fact is slow, and the reference evaluator exists as an oracle, not for speed. This
script measures whether those claims hold for the bundled rule pack, so the figures in
benchmarks/README.md can be reproduced rather than taken on trust.

What, in one run and on the same N deterministic smelter facts (built before any timing):

* engine     -- ``Evaluator(pack.rules).evaluate(facts)``, the code path ``assay evaluate`` uses;
* bare loop  -- the same compiled ruleset in a plain durable_rules ``Ruleset``, one
  ``assert_fact`` + ``do_actions`` + ``retract_fact`` per fact, each sent as the engine
  sends it (``engine_payload(project(fact))``);
* reference  -- ``reference.matches(rule, fact)`` for every rule and fact.

Each path projects every fact and builds a ``Finding`` for every match, so all three do the same
work; each is timed best of three. The finding counts per rule must agree (exit 1 otherwise).
Timings are reported, never asserted.

    python benchmarks/engine.py [--facts N] [--seed S] [--repeat R]
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import itertools
import os
import platform
import random
import resource
import sys
import time
import typing
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import durable_rules_engine as dre
from durable.engine import MessageNotHandledException, Ruleset

from assay.engine import Evaluator, Rule, SmelterFact, load_pack
from assay.engine.compiler import compile_ruleset
from assay.engine.facts import RmapStatus
from assay.engine.findings import Finding, make_finding
from assay.engine.projection import engine_payload, project
from assay.engine.reference import matches

METALS = ("tin", "tantalum", "tungsten", "gold", "cobalt", "mica")
# Covered countries (rules/lists/covered-countries.yaml) and common smelter countries elsewhere.
COVERED = ("CD", "RW", "UG", "BI", "TZ", "ZM", "AO")
OTHER = ("CN", "MY", "ID", "BE", "CH", "US", "JP", "DE", "TH", "BR", "RU", "KR", "PE", "BO")
COVERED_SHARE = 0.12
RMAP_STATUSES = typing.get_args(RmapStatus)
# Roughly the shape of a real CMRT smelter list: mostly conformant, a tail of everything else.
RMAP_WEIGHTS = (("conformant", 60), ("active", 10), ("in_communication", 6),
                ("not_enrolled", 12), ("non_conformant", 3), ("suspended", 2), ("unknown", 7))
PLACEHOLDERS = ("N/A", "n/a", "Unknown", "TBD", "None", "--", "?", "...")
MATCH_METHODS = ("cid", "alias", "fuzzy")


def make_facts(n: int, seed: int) -> list[SmelterFact]:
    """`n` plausible smelter-list rows, identical for a given seed."""
    rng = random.Random(seed)
    statuses = list(RMAP_STATUSES)
    weights = [dict(RMAP_WEIGHTS).get(s, 1) for s in statuses]
    suppliers = [f"Supplier {i:03d}" for i in range(200)]
    facts = []
    for i in range(n):
        metal = rng.choice(METALS)
        country = rng.choice(COVERED if rng.random() < COVERED_SHARE else OTHER)
        row_state = rng.choices(("listed", "not_listed", "not_yet_identified"), (90, 6, 4))[0]
        number = rng.randrange(1, 3000)
        smelter: dict[str, Any] = {"metal": metal, "row_state": row_state, "country": country}
        if row_state != "not_yet_identified":
            placeholder = rng.random() < 0.03
            smelter["name"] = rng.choice(PLACEHOLDERS) if placeholder else f"Smelter {number}"
            if not placeholder and rng.random() > 0.08:
                smelter["cid"] = f"CID{number:06d}"
        if row_state == "listed" and "cid" in smelter:
            smelter.update(
                resolved_cid=smelter["cid"], standard_name=f"Smelter {number} Ltd",
                reference_country=country, match_method=rng.choice(MATCH_METHODS),
                match_score=round(rng.uniform(80, 100), 1),
                rmap_status=rng.choices(statuses, weights)[0])
        supplier = rng.choice(suppliers)
        facts.append(SmelterFact.model_validate({
            "smelter": smelter,
            "supplier": {"name": supplier},
            "template": {"type": "cmrt", "version": 6.5},
            "provenance": {"file": f"{supplier}.xlsx", "sheet": "Smelter List", "row": 5 + i},
        }))
    return facts


def run_engine(rules: Sequence[Rule], facts: Sequence[SmelterFact]) -> list[Finding]:
    """The shipped path: batched assert/retract inside `Evaluator`."""
    with Evaluator(rules) as ev:
        return list(ev.evaluate(facts).findings)


def run_reference(rules: Sequence[Rule], facts: Sequence[SmelterFact]) -> list[Finding]:
    """Plain Python: every rule against every fact (`matches` projects the fact itself)."""
    return [make_finding(rule, fact) for fact in facts for rule in rules if matches(rule, fact)]


class _NoHost:
    """durable's Ruleset wants a host; our actions are callables, never looked up by name."""

    def get_action(self, name: str) -> Any:
        raise LookupError(name)


def run_bare_loop(rules: Sequence[Rule], facts: Sequence[SmelterFact],
                  name: str) -> list[Finding]:
    """The naive durable_rules use: one assert, do_actions, retract per fact."""
    by_id = {r.id: r for r in rules}
    hits: list[str] = []
    errors: list[Any] = []
    definition = compile_ruleset(rules)
    for rule_id, body in definition.items():
        body["run"] = (lambda rid: lambda _c: hits.append(rid))(rule_id)
    ruleset = Ruleset(name, _NoHost(), definition)

    def done(error: Any, _state: Any) -> None:
        if error:
            errors.append(error)

    findings: list[Finding] = []
    try:
        for fact in facts:
            projection = engine_payload(project(fact))  # what Evaluator sends durable_rules
            hits.clear()
            try:
                state = ruleset.assert_fact(projection)
            except MessageNotHandledException:
                continue  # matched no rule; durable_rules did not store it
            try:
                ruleset.do_actions(state, done)
            finally:
                ruleset.retract_fact(projection)
            # A rule whose `$or` matches through two branches fires once per branch; a
            # finding is per rule and fact, as Evaluator counts it.
            findings.extend(make_finding(by_id[r], fact) for r in dict.fromkeys(hits))
    finally:
        dre.delete_ruleset(ruleset._handle)
    if errors:
        raise RuntimeError(f"durable_rules action failed: {errors[0]}")
    return findings


def best_of(repeat: int, func: Callable[[], list[Finding]]) -> tuple[float, Counter[str]]:
    """Shortest wall time of `repeat` calls, and the findings per rule of the last call."""
    best = float("inf")
    counts: Counter[str] = Counter()
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        findings = func()
        best = min(best, time.perf_counter() - start)
        counts = Counter(f.rule_id for f in findings)
        del findings
    return best, counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--facts", type=int, default=50_000, help="facts to generate (50000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per evaluator, best kept (3)")
    args = parser.parse_args(argv)

    pack = load_pack()
    rules = [r for r in pack.rules if r.enabled]
    facts = make_facts(args.facts, args.seed)
    names = (f"assay_bench_bare_{os.getpid()}_{i}" for i in itertools.count())

    cases = {
        "compiled engine (Evaluator, batched)": lambda: run_engine(rules, facts),
        "bare durable_rules loop (1 fact/call)": lambda: run_bare_loop(rules, facts, next(names)),
        "reference evaluator (plain Python)": lambda: run_reference(rules, facts),
    }
    timings: dict[str, float] = {}
    counts: dict[str, Counter[str]] = {}
    for label, func in cases.items():
        timings[label], counts[label] = best_of(args.repeat, func)

    engine, bare, reference = cases
    rate = {label: len(facts) / seconds for label, seconds in timings.items()}
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"assay engine benchmark: {len(facts):,} smelter facts, {len(rules)} rules, "
          f"seed {args.seed}, best of {args.repeat}")
    print(f"python {platform.python_version()}, "
          f"durable_rules {importlib.metadata.version('durable_rules')}, "
          f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}")
    print()
    print(f"{'evaluator':<40}{'facts/s':>10}{'best s':>9}{'findings':>10}")
    for label in cases:
        print(f"{label:<40}{rate[label]:>10,.0f}{timings[label]:>9.2f}"
              f"{counts[label].total():>10,}")
    print()
    print(f"{'engine / bare durable loop':<40}{rate[engine] / rate[bare]:>10.2f}x")
    print(f"{'engine / reference':<40}{rate[engine] / rate[reference]:>10.2f}x")
    print(f"{'peak RSS (whole run)':<40}{rss_mb:>10.0f} MB")
    print("(all three include projecting each fact and building each Finding; "
          "fact creation is untimed)")

    if not counts[engine] == counts[bare] == counts[reference]:
        print("error: the evaluators disagree on findings per rule:", file=sys.stderr)
        for label in cases:
            print(f"  {label}: {dict(sorted(counts[label].items()))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The runtime's contract, one regression test per point (see engine/runtime.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import durable_rules_engine
import pytest

from assay.engine import Evaluator, SmelterFact
from assay.engine.runtime import _Instance

from .conftest import rule_yaml


def _five_rules() -> str:
    whens = [
        "{smelter.country: {equals: CD}}",
        "{smelter.country: {in: $covered_countries}}",
        "{smelter.cid: {missing: true}}",
        "{not: {smelter.rmap_status: {equals: conformant}}}",
        "{smelter.name: {contains: Tin}}",
    ]
    return "".join(rule_yaml(f"FIVE-{i}", w) for i, w in enumerate(whens, 1))


def test_a_fact_matching_five_rules_gives_five_findings(load_text) -> None:
    pack = load_text(_five_rules())
    fact = SmelterFact(smelter={"country": "CD", "name": "Kivu Tin", "rmap_status": "active"})
    with Evaluator(pack.rules) as ev:
        result = ev.evaluate([fact])
    assert [f.rule_id for f in result.findings] == [f"FIVE-{i}" for i in range(1, 6)]


def test_no_match_gives_no_findings_and_no_exception(load_text) -> None:
    pack = load_text(_five_rules())
    fact = SmelterFact(smelter={"country": "BE", "name": "Umicore", "cid": "CID000001",
                                "rmap_status": "conformant"})
    with Evaluator(pack.rules) as ev:
        result = ev.evaluate([fact, fact])
    assert result.findings == () and result.errors == () and result.facts == 2


def test_missing_field_conditions_do_not_hang(load_text) -> None:
    pack = load_text(rule_yaml("NEX-1", "{smelter.cid: {missing: true}}") +
                     rule_yaml("NEQ-1", "{smelter.city: {not_equals: x}}") +
                     rule_yaml("NOTIN-1", "{not: {smelter.city: {in: [x]}}}"))
    facts = [SmelterFact(smelter={"name": f"s{i}"}) for i in range(200)]
    done: list[object] = []

    def work() -> None:
        with Evaluator(pack.rules) as ev:
            done.append(ev.evaluate(facts))

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "evaluation hung on a missing-field condition"
    result = done[0]
    ids = [f.rule_id for f in result.findings]  # type: ignore[attr-defined]
    assert ids.count("NEX-1") == 200 and ids.count("NOTIN-1") == 200 and "NEQ-1" not in ids


def test_identical_facts_each_get_their_findings(load_text) -> None:
    # durable_rules treats an identical fact as already known; the batch index keeps them apart.
    pack = load_text(rule_yaml("SAME-1", "{smelter.cid: {missing: true}}"))
    fact = SmelterFact(smelter={"name": "dup"})
    with Evaluator(pack.rules, batch_size=64) as ev:
        result = ev.evaluate([fact] * 10)
    assert len(result.findings) == 10


def test_an_invalid_fact_loses_nothing_else(load_text) -> None:
    pack = load_text(rule_yaml("ERR-1", "{smelter.cid: {missing: true}}"))
    facts = [{"kind": "smelter", "smelter": {"name": "a"}},
             {"kind": "smelter", "smelter": {"country": "Narnia"}},
             {"kind": "smelter", "smelter": {"name": "c"}}]
    with Evaluator(pack.rules) as ev:
        result = ev.evaluate(facts)
    assert [f.subject for f in result.findings] == ["a", "unnamed smelter", "c"][::2]
    assert [e.index for e in result.errors] == [1]
    assert "smelter.country" in (result.errors[0].error or "")


def test_an_engine_error_on_one_fact_loses_nothing_else(load_text, monkeypatch) -> None:
    pack = load_text(rule_yaml("ERR-2", "{smelter.cid: {missing: true}}"))
    original = _Instance.run

    def flaky(self: _Instance, payload: list[dict]) -> list[tuple[int, str]]:
        if any(p.get("smelter", {}).get("name") == "boom" for p in payload):
            raise RuntimeError("simulated durable_rules failure")
        return original(self, payload)

    monkeypatch.setattr(_Instance, "run", flaky)
    facts = [SmelterFact(smelter={"name": n}) for n in ["a", "boom", "c", "d"]]
    with Evaluator(pack.rules, batch_size=4) as ev:
        result = ev.evaluate(facts)
    assert [f.subject for f in result.findings] == ["a", "c", "d"]
    assert [e.index for e in result.errors] == [1]
    assert "simulated" in (result.errors[0].error or "")


def test_two_policies_in_one_process_are_isolated(load_text) -> None:
    first = load_text(rule_yaml("ISO-1", "{smelter.country: {equals: CD}}"))
    second = load_text(rule_yaml("ISO-1", "{smelter.country: {equals: RW}}"))
    cd = SmelterFact(smelter={"country": "CD"})
    rw = SmelterFact(smelter={"country": "RW"})
    with Evaluator(first.rules) as a, Evaluator(second.rules) as b:
        for _ in range(3):  # interleaved use
            assert [f.subject for f in a.evaluate([cd, rw]).findings] == ["unnamed smelter"]
            found_b = b.evaluate([cd, rw]).findings
            assert len(found_b) == 1 and found_b[0].rule_id == "ISO-1"
        assert a.evaluate([rw]).findings == ()
        assert b.evaluate([cd]).findings == ()


def test_four_threads_give_the_serial_result(bundled_pack) -> None:
    facts = [SmelterFact(smelter={"country": c, "rmap_status": s, "name": f"n{i}",
                                  "metal": m, "row_state": "listed"})
             for i, (c, s, m) in enumerate(
                 (c, s, m) for c in ["CD", "RW", "BE", "CN"]
                 for s in ["conformant", "active", "not_enrolled"]
                 for m in ["tin", "gold", "cobalt"])] * 20
    with Evaluator(bundled_pack.rules, batch_size=32) as ev:
        serial = ev.evaluate(facts).findings
        results: list[tuple] = [()] * 4
        barrier = threading.Barrier(4)

        def work(slot: int) -> None:
            barrier.wait()
            results[slot] = ev.evaluate(facts).findings

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert serial and all(r == serial for r in results)


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    pytest.skip("no /proc/self/status")
    return 0


def test_memory_stays_flat_over_100k_facts(bundled_pack) -> None:
    facts = [SmelterFact(smelter={"country": ["CD", "BE", "RW"][i % 3], "name": f"s{i}",
                                  "rmap_status": ["active", "conformant"][i % 2],
                                  "metal": "tin", "row_state": "listed"})
             for i in range(5_000)]
    with Evaluator(bundled_pack.rules) as ev:
        for fact_result in ev.iter_results(facts * 2):  # warm up allocators
            del fact_result
        before = _rss_kib()
        count = 0
        for fact_result in ev.iter_results(facts * 20):  # 100,000 facts
            count += len(fact_result.findings)
        after = _rss_kib()
        instance = ev._pool.get_nowait()
        assert instance.ruleset is not None
        left = durable_rules_engine.get_facts(instance.ruleset._handle, None)
        ev._pool.put(instance)
    assert count > 100_000
    assert left == "[]" or left == []
    assert after - before < 16 * 1024, f"RSS grew {after - before} KiB over 100k facts"


def test_closing_an_evaluator_frees_its_rulesets(bundled_pack) -> None:
    ev = Evaluator(bundled_pack.rules)
    instance = ev._pool.get_nowait()
    ev._pool.put(instance)
    ev.close()
    assert instance.ruleset is None


def test_a_rule_matching_through_two_branches_gives_one_finding(load_text) -> None:
    # durable_rules fires the action once per satisfied `$or` branch.
    pack = load_text(rule_yaml("OR-1", "{any: [{smelter.country: {equals: CD}}, "
                                       "{smelter.name: {contains: Tin}}]}"))
    fact = SmelterFact(smelter={"country": "CD", "name": "Kivu Tin"})
    with Evaluator(pack.rules) as ev:
        assert [f.rule_id for f in ev.evaluate([fact]).findings] == ["OR-1"]

"""Evaluate facts against compiled rules on durable_rules, collecting every match.

Design, from what durable_rules actually does (docs/engine.md lists each behaviour):

* `post()` hands an event to the first matching rule only, so facts are *asserted*, which
  fires every matching rule, and retracted right after so working memory stays empty and
  memory stays flat however many facts pass through.
* Facts go in batches (`assert_facts`) with a batch index `_i`: a batch saves about a fifth
  of the durable_rules cost per fact, and the index tells each action which fact it fired
  for (and keeps two identical facts in one batch from being taken as one).
* A batch that durable_rules refuses is re-run fact by fact, so one bad fact costs only its
  own result.
* durable_rules' `Host` runs background timer threads that dispatch pending actions; we do
  not use it. Each `Evaluator` owns private ruleset instances (unique names), one per
  concurrent caller, handed out from a pool: no global state, thread-safe, and two policies
  in one process never share a ruleset.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import json
import queue
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import durable_rules_engine as _dre
from durable.engine import Ruleset
from pydantic import ValidationError

from .compiler import compile_ruleset
from .facts import DeclarationFact, SmelterFact
from .findings import Evaluation, FactResult, Finding, make_finding
from .projection import engine_payload, project, to_fact
from .rules.model import Rule

FactInput = SmelterFact | DeclarationFact | dict[str, Any]
_names = itertools.count()


class ActionsOnly:
    """Stands in for durable's Host: our actions are callables, never looked up by name."""

    def get_action(self, name: str) -> Any:
        raise LookupError(name)


class _Instance:
    """One private durable_rules ruleset and the sink its actions write to."""

    def __init__(self, definition: dict[str, dict[str, Any]]) -> None:
        self.hits: list[tuple[int, str]] = []
        rules = copy.deepcopy(definition)
        for rule_id, body in rules.items():
            body["run"] = self._action(rule_id)
        self.name = f"assay{next(_names)}_{id(self):x}"
        self.ruleset = Ruleset(self.name, ActionsOnly(), rules) if rules else None

    def _action(self, rule_id: str) -> Any:
        hits = self.hits

        def run(c: Any) -> None:
            hits.append((c.m["_i"], rule_id))

        return run

    def run(self, payload: list[dict[str, Any]]) -> list[tuple[int, str]]:
        """Assert a batch, run every action it triggers, retract it; return (index, rule)."""
        if self.ruleset is None:
            return []
        self.hits.clear()
        handle = self.ruleset._handle
        text = json.dumps(payload, ensure_ascii=False)
        errors: list[Any] = []
        try:
            _code, state = _dre.assert_facts(handle, text)
            self.ruleset.do_actions(state, lambda e, _s: errors.append(e) if e else None)
        finally:
            with contextlib.suppress(Exception):
                _dre.retract_facts(handle, text)
        if errors:
            raise RuntimeError(f"durable_rules action failed: {errors[0]}")
        return list(self.hits)

    def close(self) -> None:
        if self.ruleset is not None:
            _dre.delete_ruleset(self.ruleset._handle)
            self.ruleset = None


def _close_all(created: list[_Instance]) -> None:
    for instance in created:
        instance.close()


class Evaluator:
    """Evaluates facts against a fixed set of rules. Safe to share between threads."""

    def __init__(self, rules: Sequence[Rule], *, batch_size: int = 256) -> None:
        self.rules: tuple[Rule, ...] = tuple(r for r in rules if r.enabled)
        self._by_id = {r.id: r for r in self.rules}
        self._order = {r.id: i for i, r in enumerate(self.rules)}
        self.definition = compile_ruleset(self.rules)
        self.batch_size = max(1, batch_size)
        self._pool: queue.SimpleQueue[_Instance] = queue.SimpleQueue()
        self._created: list[_Instance] = []
        self._lock = threading.Lock()
        self._pool.put(self._new_instance())  # fail fast if durable_rules rejects the rules
        self._finalizer = weakref.finalize(self, _close_all, self._created)

    def _new_instance(self) -> _Instance:
        instance = _Instance(self.definition)
        with self._lock:
            self._created.append(instance)
        return instance

    def close(self) -> None:
        """Free the durable_rules rulesets now rather than at garbage collection."""
        self._finalizer()

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def evaluate(self, facts: Iterable[FactInput]) -> Evaluation:
        """Evaluate all facts; findings in input order, then rule order."""
        findings: list[Finding] = []
        errors: list[FactResult] = []
        count = 0
        for result in self.iter_results(facts):
            count += 1
            findings.extend(result.findings)
            if result.error is not None:
                errors.append(result)
        return Evaluation(facts=count, findings=tuple(findings), errors=tuple(errors))

    def iter_results(self, facts: Iterable[FactInput]) -> Iterator[FactResult]:
        """Stream one `FactResult` per input fact, in input order, batch by batch."""
        batch: list[tuple[int, FactInput]] = []
        for index, fact in enumerate(facts):
            batch.append((index, fact))
            if len(batch) >= self.batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, batch: list[tuple[int, FactInput]]) -> list[FactResult]:
        results: dict[int, FactResult] = {}
        good: list[tuple[int, SmelterFact | DeclarationFact, dict[str, Any]]] = []
        for index, raw in batch:
            try:
                fact = to_fact(raw)
                good.append((index, fact, project(fact)))
            except ValidationError as exc:
                results[index] = FactResult(index=index, error=_validation_text(exc))
            except Exception as exc:
                results[index] = FactResult(index=index, error=f"invalid fact: {exc}")
        instance = self._acquire()
        try:
            try:
                matched = self._matches(instance, good)
            except Exception:
                matched = {}
                for item in good:
                    try:
                        matched.update(self._matches(instance, [item]))
                    except Exception as exc:
                        results[item[0]] = FactResult(index=item[0],
                                                      error=f"engine error: {exc}")
        finally:
            self._pool.put(instance)
        for index, fact, _proj in good:
            if index in results:
                continue
            rule_ids = sorted(matched.get(index, ()), key=self._order.__getitem__)
            results[index] = FactResult(
                index=index,
                findings=tuple(make_finding(self._by_id[r], fact) for r in rule_ids))
        return [results[index] for index, _ in batch]

    def _matches(self, instance: _Instance,
                 items: list[tuple[int, Any, dict[str, Any]]]) -> dict[int, set[str]]:
        if not items:
            return {}
        payload = [{**engine_payload(proj), "_i": pos}
                   for pos, (_index, _fact, proj) in enumerate(items)]
        out: dict[int, set[str]] = {}
        for pos, rule_id in instance.run(payload):
            out.setdefault(items[pos][0], set()).add(rule_id)
        return out

    def _acquire(self) -> _Instance:
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            return self._new_instance()


def _validation_text(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"])
        parts.append(f"{where}: {err['msg']}")
    return "invalid fact: " + "; ".join(parts)

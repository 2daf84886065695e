"""The library's entry points for `assay check`, `assay test` and embedding."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import durable_rules_engine as _dre
from durable.engine import Ruleset

from .compiler import compile_rule
from .errors import LoadError, Location, Problem, display_path
from .findings import Evaluation
from .paths import bundled_policies, bundled_rules, default_policy
from .policy import Policy, check_policy, load_policy
from .rules.loader import RulePack, bundled_lists, bundled_parameters, check_rules
from .runtime import ActionsOnly, FactInput
from .yamlsrc import iter_yaml_files, load_yaml


def _is_policy(path: Path) -> bool:
    data, _ = load_yaml(path)
    return isinstance(data, dict) and "policy" in data


def check(paths: Sequence[Path | str] = (), today: dt.date | None = None) -> list[Problem]:
    """Validate rule, list and policy files; errors and warnings, sorted by place.

    With no paths, checks the bundled rules and policies.
    """
    targets = [Path(p) for p in paths] or [bundled_rules(), bundled_policies()]
    problems: list[Problem] = []
    rule_files, policy_files = [], []
    for path in iter_yaml_files(targets):
        (policy_files if path.exists() and _is_policy(path) else rule_files).append(path)
    packs: list[RulePack] = []
    if rule_files:
        own_lists = _own_lists(rule_files)
        extra = [lst for lst in bundled_lists() if lst.name not in own_lists]
        pack, found = check_rules(rule_files, extra, _default_parameters(rule_files))
        problems.extend(found)
        if pack is not None:
            packs.append(pack)
    for path in policy_files:
        policy, found = check_policy(path)
        problems.extend(found)
        if policy is not None:
            packs.append(policy.pack)
    seen: set[str] = set()
    for pack in packs:
        problems.extend(_engine_problems(pack, seen))
        problems.extend(_stale_lists(pack, today or dt.date.today(), seen))
    return sorted(problems, key=Problem.sort_key)


def _default_parameters(files: list[Path]) -> dict:
    """Bundled thresholds, unless the files checked bring their own parameters file."""
    for path in files:
        data, _ = load_yaml(path)
        if isinstance(data, dict) and "parameters" in data:
            return {}
    return bundled_parameters()


def _own_lists(files: list[Path]) -> set[str]:
    names = set()
    for path in files:
        data, _ = load_yaml(path)
        if isinstance(data, dict) and isinstance(data.get("list"), str):
            names.add(data["list"])
    return names


def _engine_problems(pack: RulePack, seen: set[str]) -> list[Problem]:
    """Have durable_rules build each rule, catching limits (regex DFA size) at check time."""
    out = []
    for rule in pack.rules:
        key = f"rule:{rule.id}:{rule.loc}"
        if key in seen:
            continue
        seen.add(key)
        definition = {rule.id: {**compile_rule(rule), "run": lambda c: None}}
        try:
            ruleset = Ruleset(f"assay_check_{rule.id}", ActionsOnly(), definition)
            _dre.delete_ruleset(ruleset._handle)
        except Exception as exc:
            out.append(Problem(rule.loc or Location("?"), f"durable_rules cannot build this "
                               f"rule: {exc}", rule.id, "when"))
    return out


def _stale_lists(pack: RulePack, today: dt.date, seen: set[str]) -> list[Problem]:
    out = []
    for lst in pack.lists.values():
        key = f"list:{lst.name}:{lst.loc}"
        if key in seen or not lst.is_stale(today):
            continue
        seen.add(key)
        how = lst.refresh or lst.source
        out.append(Problem(lst.loc or Location("?"), f"list '{lst.name}' was retrieved "
                           f"{lst.retrieved} ({lst.age_days(today)} days ago), older than its "
                           f"max_age_days {lst.max_age_days}; refresh it: {how}",
                           field="retrieved", severity="warning"))
    return out


def load_pack(paths: Sequence[Path | str] = ()) -> RulePack:
    """Rules and lists from `paths` (default: the bundled packs), with bundled lists available."""
    targets = [Path(p) for p in paths] or [bundled_rules()]
    files = list(iter_yaml_files(targets))
    own = _own_lists(files)
    pack, problems = check_rules(files, [lst for lst in bundled_lists() if lst.name not in own],
                                 _default_parameters(files))
    if problems or pack is None:
        raise LoadError(problems)
    return pack


def evaluate(facts: Iterable[FactInput], policy: Policy | None = None) -> Evaluation:
    """Evaluate facts against a policy (default: the bundled one) in one call."""
    policy = policy or load_policy(default_policy())
    with policy.evaluator() as evaluator:
        return evaluator.evaluate(facts)


__all__ = ["bundled_lists", "check", "display_path", "evaluate", "load_pack"]

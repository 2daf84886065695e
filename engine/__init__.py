"""assay's engine: load rules and policies, evaluate facts, explain findings.

Typical embedding::

    from assay.engine import load_policy, SmelterFact

    policy = load_policy("policies/exor.yaml")        # or default_policy()
    with policy.evaluator() as evaluator:             # thread-safe, no global state
        result = evaluator.evaluate([SmelterFact(...), ...])
    for finding in result.findings:
        print(finding.rule_id, finding.severity, finding.message)
"""

from .api import check, evaluate, load_pack
from .errors import AssayError, LoadError, Location, Problem
from .facts import CATALOGUE, DeclarationFact, FieldSpec, Provenance, SmelterFact
from .findings import Evaluation, FactResult, Finding
from .paths import bundled_policies, bundled_rules, default_policy
from .policy import Policy, load_policy
from .reference import Step, explain
from .rules.loader import RulePack, load_rules
from .rules.model import Rule
from .runtime import Evaluator
from .testing import TestReport, run_tests

__all__ = [
    "CATALOGUE",
    "AssayError",
    "DeclarationFact",
    "Evaluation",
    "Evaluator",
    "FactResult",
    "FieldSpec",
    "Finding",
    "LoadError",
    "Location",
    "Policy",
    "Problem",
    "Provenance",
    "Rule",
    "RulePack",
    "SmelterFact",
    "Step",
    "TestReport",
    "bundled_policies",
    "bundled_rules",
    "check",
    "default_policy",
    "evaluate",
    "explain",
    "load_pack",
    "load_policy",
    "load_rules",
    "run_tests",
]

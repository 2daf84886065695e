"""Policies: data that decides scope, thresholds, severities and the Annex II responses."""

from __future__ import annotations

import textwrap
from pathlib import Path

from assay.engine import DeclarationFact, bundled_policies, load_policy
from assay.engine.policy import check_policy
from assay.engine.rules.model import RISKS

ANNEX_II = ["serious-abuses", "non-state-armed-groups", "security-forces",
            "bribery-misrepresentation", "money-laundering", "taxes-fees-royalties"]


def test_exor_answers_every_annex_ii_category_as_the_guidance_requires() -> None:
    policy = load_policy(bundled_policies() / "exor.yaml")
    for risk in ANNEX_II:
        assert any(r.risk == risk for r in policy.rules), f"no rule evidences {risk}"
        assert risk in policy.responses
    for risk in ("serious-abuses", "non-state-armed-groups"):
        response = policy.responses[risk]
        assert response.strategy == "suspend-or-disengage"
        assert "suspend-purchases" in response.actions
    for risk in ANNEX_II[2:]:
        response = policy.responses[risk]
        assert response.strategy == "risk-management-plan"
        assert response.review_days is not None and 180 <= response.review_days <= 183
    assert set(policy.responses) <= set(RISKS)


def test_policies_differ_only_in_data() -> None:
    exor = load_policy(bundled_policies() / "exor.yaml")
    filer = load_policy(bundled_policies() / "dodd-frank-3tg.yaml")
    assert set(filer.minerals) == {"tin", "tantalum", "tungsten", "gold"}
    assert not any(r.id.startswith("CM-") for r in filer.rules)
    assert any(r.id.startswith("CM-") for r in exor.rules)
    severity = {r.id: r.severity for r in filer.rules}
    assert severity["RMAP-STATUS-002"] == "info"

    # The stale-declaration threshold is the policy's: 365 days for Exor, 455 for the filer.
    fact = DeclarationFact(supplier={"name": "S", "declaration_age_days": 400},
                           declaration={"metal": "tin", "in_scope": True})
    fired = {}
    for policy in (exor, filer):
        with policy.evaluator() as evaluator:
            fired[policy.name] = {f.rule_id for f in evaluator.evaluate([fact]).findings}
    assert "DQ-DECL-011" in fired["exor"]
    assert "DQ-DECL-011" not in fired["dodd-frank-3tg"]


def _policy(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def test_a_response_naming_an_unknown_action_or_risk_is_located(tmp_path: Path) -> None:
    path = _policy(tmp_path, """\
        policy: p
        title: P
        minerals: [tin]
        packs: [rmap]
        actions:
          monitor-smelter: {title: m, owner: o, due_days: 1}
          request-smelter-evidence: {title: r, owner: o, due_days: 1}
        responses:
          due-diligence-gap: {strategy: monitor, actions: [monitr-smelter]}
          armed-groups: {strategy: suspend-or-disengage, actions: [monitor-smelter]}
        """)
    _policy_obj, problems = check_policy(path)
    messages = [p.message for p in problems]
    assert any("did you mean 'monitor-smelter'" in m for m in messages)
    assert any("unknown risk category 'armed-groups'" in m for m in messages)
    assert any("no response for risk" in m for m in messages)
    assert all(p.location.line > 0 for p in problems)

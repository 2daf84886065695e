"""Shared fixtures. Tests import the *installed* package (`assay.engine`), as users do."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

from assay.engine import RulePack, load_pack
from assay.engine.api import bundled_lists
from assay.engine.rules.loader import check_rules

# CI explores the same examples on every run, so a landing never depends on luck; locally
# (no CI variable) every run draws new examples.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI")
                                                                else "default"))

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def bundled_pack() -> RulePack:
    return load_pack()


@pytest.fixture
def write_rules(tmp_path: Path) -> Callable[[str], Path]:
    """Write a rule file from YAML text and return its path."""
    counter = iter(range(1000))

    def write(text: str) -> Path:
        path = tmp_path / f"rules_{next(counter)}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def load_text(write_rules: Callable[[str], Path]) -> Callable[[str], RulePack]:
    """Load rules from YAML text (bundled lists available); fail the test on problems."""

    def load(text: str) -> RulePack:
        pack, problems = check_rules([write_rules(text)], bundled_lists())
        assert not problems, "\n".join(str(p) for p in problems)
        assert pack is not None
        return pack

    return load


def rule_yaml(rule_id: str, when: str, applies_to: str = "smelter",
              message: str = "{smelter.name}") -> str:
    """A minimal valid rule around a `when:` block given as inline YAML."""
    return textwrap.dedent(f"""\
        - id: {rule_id}
          title: {rule_id}
          applies_to: {applies_to}
          risk: data-quality
          severity: low
          reference: test
          when: {when}
          then: [{{action: act, message: "{message}"}}]
        """)

"""Where the bundled rules and policies are, in a source checkout and in an installed wheel.

The wheel installs engine/ as assay/engine and rules/ as assay/rules, so in both layouts the
rules folder is a sibling of this package's folder.
"""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def bundled_rules() -> Path:
    """The rule packs and lists shipped with assay."""
    return _ROOT / "rules"


def bundled_policies() -> Path:
    """The company policies shipped with assay."""
    return _ROOT / "policies"


def default_policy() -> Path:
    """The policy used when none is named."""
    return bundled_policies() / "exor.yaml"

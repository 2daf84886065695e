"""What the README and the schemas promise, checked."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from .conftest import REPO


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_embedding_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = _python_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    assert blocks, "README has no python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "OECD-ANNEX2-ARMED-001 high non-state-armed-groups" in out


def test_readme_starts_with_the_two_commands() -> None:
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    commands = [line for line in lines[:6] if line.startswith("python3 -m venv")]
    assert len(commands) == 2
    assert "assay evaluate examples/" in commands[0]
    assert "pytest" in commands[1]


def _schema(kind: str) -> dict:
    return json.loads((REPO / "docs" / "schema" / f"{kind}.schema.json").read_text())


@pytest.mark.parametrize("path", sorted((REPO / "rules").rglob("*.yaml")) +
                         sorted((REPO / "policies").rglob("*.yaml")), ids=lambda p: p.name)
def test_bundled_files_validate_against_their_schema(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = path.read_text(encoding="utf-8").splitlines()[0]
    kind = "policy" if path.parent.name == "policies" else next(
        (k for k in ("list", "parameters") if isinstance(data, dict) and k in data), "rules")
    assert f"{kind}.schema.json" in first, f"{path.name} lacks its yaml-language-server modeline"
    # YAML dates are date objects; JSON Schema sees them as strings.
    jsonschema.validate(json.loads(json.dumps(data, default=str)), _schema(kind))


def test_schema_rejects_an_unknown_field_path() -> None:
    bad = [{"id": "X-1", "title": "t", "applies_to": "smelter", "risk": "data-quality",
            "severity": "low", "reference": "r", "when": {"smelter.contry": {"equals": "CD"}},
            "then": [{"action": "a", "message": "m"}]}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, _schema("rules"))


def test_rule_catalogue_page_is_current() -> None:
    from assay.engine import load_pack
    from assay.engine.rulesdoc import render

    committed = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert render(load_pack().rules) == committed, "run: assay rules docs -o docs/rules.md"

"""The docs stay honest: every setting is documented, every CLI command is in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from tickerwire.cli import cli
from tickerwire.config import Settings
from tickerwire.instruments import Instrument

DOCS = Path(__file__).resolve().parents[1] / "docs"
README = Path(__file__).resolve().parents[1] / "README.md"


def _documented_names() -> set[str]:
    text = (DOCS / "configuration.md").read_text()
    return set(re.findall(r"^\| `([a-z_]+)`", text, flags=re.MULTILINE))


def _fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


@pytest.mark.parametrize(
    "model",
    [Settings, Instrument]
    + [Settings.model_fields[n].annotation for n in ("providers", "poll", "fetch")],  # type: ignore[list-item]
)
def test_every_setting_is_documented(model: type[BaseModel]) -> None:
    missing = _fields(model) - _documented_names()
    assert not missing, f"undocumented settings in docs/configuration.md: {sorted(missing)}"


def test_every_cli_command_appears_in_the_readme() -> None:
    readme = README.read_text()
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    commands = re.findall(r"^  (\w+)\s", result.output.split("Commands:")[1], re.MULTILINE)
    assert commands
    for command in commands:
        assert f"tickerwire {command}" in readme, command

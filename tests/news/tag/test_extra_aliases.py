"""The user's own alias table (setting tagging.extra_aliases) refines the shipped ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tickerwire.cli import cli
from tickerwire.instruments import Registry
from tickerwire.news.tag.gazetteer import AliasTableError
from tickerwire.news.tag.tagger import Tagger

EXTRA = """
[companies]
names_that_are_words = ["Caterpillar"]

[[entity]]
name = "Zirconia Mining"
kind = "company"
aliases = ["Zirconia Mining", "ZirMin"]

[[entity]]
name = "Vladimir Putin"
kind = "person"
aliases = ["the Kremlin leader"]

[[entity]]
name = "Ireland"
kind = "country"
unless_followed_by = ["spring"]
"""


@pytest.fixture
def extra(tmp_path: Path) -> Path:
    path = tmp_path / "aliases.toml"
    path.write_text(EXTRA, encoding="utf-8")
    return path


def names(tagger: Tagger, text: str) -> set[str]:
    return {t.name for t in tagger.tag(text).entities}


def test_a_new_entity_and_a_new_name_for_a_shipped_one_are_found(extra: Path) -> None:
    tagger = Tagger(Registry.build(), extra_aliases=extra)
    assert names(tagger, "ZirMin rose.") == {"Zirconia Mining"}
    assert names(tagger, "The Kremlin leader spoke.") == {"Vladimir Putin"}
    assert names(tagger, "Vladimir Putin spoke, and Putin left.") == {"Vladimir Putin"}


def test_a_rule_is_added_to_the_shipped_ones_not_put_in_their_place(extra: Path) -> None:
    tagger = Tagger(Registry.build(), extra_aliases=extra)
    assert names(tagger, "Ireland Spring water.") == set()
    assert names(tagger, "Irish whiskey and Ireland's economy.") == {"Ireland"}
    assert names(tagger, "Ireland raised taxes.") == {"Ireland"}


def test_the_users_word_list_is_added_to_the_shipped_one(extra: Path) -> None:
    tagger = Tagger(Registry.build(), extra_aliases=extra)
    assert names(tagger, "Caterpillar sold more diggers.") == set()
    assert names(tagger, "Caterpillar Inc. sold more diggers.") == {"Caterpillar"}


def test_a_malformed_or_missing_table_is_refused_with_its_name(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[[entity]\nname = ", encoding="utf-8")
    with pytest.raises(AliasTableError, match=r"broken\.toml is not valid TOML"):
        Tagger(Registry.build(), extra_aliases=broken)
    with pytest.raises(AliasTableError, match="cannot read alias table"):
        Tagger(Registry.build(), extra_aliases=tmp_path / "missing.toml")


def test_the_tag_command_reads_the_setting(
    extra: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TICKERWIRE_TAGGING__EXTRA_ALIASES", str(extra))
    result = CliRunner().invoke(cli, ["tag", "--title", "ZirMin soars"], input="Shares rose.")
    assert result.exit_code == 0, result.output
    entity = json.loads(result.stdout)["entities"][0]
    assert (entity["name"], entity["relevance"]) == ("Zirconia Mining", 0.54)
    monkeypatch.setenv("TICKERWIRE_TAGGING__EXTRA_ALIASES", str(tmp_path / "missing.toml"))
    refused = CliRunner().invoke(cli, ["tag"], input="Gold rose.")
    assert refused.exit_code != 0
    assert "tagging.extra_aliases: cannot read alias table" in refused.stderr

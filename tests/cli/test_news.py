"""``tickerwire extract`` and ``tickerwire tag``, run as a user would."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from click.testing import CliRunner

from support.newsroom import FED_STORY, article_page
from tickerwire.cli import cli


def test_extract_prints_one_json_line_per_page_and_goes_on_after_errors(tmp_path: Path) -> None:
    page = tmp_path / "fed.html.gz"
    page.write_bytes(gzip.compress(article_page(FED_STORY, "https://wire.example")))
    empty = tmp_path / "empty.html"
    empty.write_text("")
    result = CliRunner().invoke(cli, ["extract", str(page), str(empty)])
    assert result.exit_code == 0
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["source"] for line in lines] == [str(page), str(empty)]
    assert lines[0]["title"] == FED_STORY.title
    assert lines[0]["lead_image"]["credit"] == FED_STORY.figure_credit
    assert set(lines[0]) >= {
        "byline", "published", "site_name", "canonical_url", "lang", "figures", "video",
        "body_html", "text",
    }  # fmt: skip
    assert "error" in lines[1]


def test_extract_of_a_missing_file_prints_its_error_line_then_exits_1(tmp_path: Path) -> None:
    missing = tmp_path / "missing.html"
    result = CliRunner().invoke(cli, ["extract", str(missing)])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {"source": str(missing), "error": "no such file"}
    assert f"no such file: {missing}" in result.stderr


def test_tag_names_the_instruments_a_text_mentions() -> None:
    text = "Gold rallied while the S&P 500 slipped."
    result = CliRunner().invoke(cli, ["tag"], input=text)
    assert result.exit_code == 0, result.output
    assert "SPX" in result.stdout


def test_every_command_refuses_an_unreadable_extra_alias_table_in_a_sentence(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "aliases.toml"
    broken.write_text("[[entity]\n")
    env = {"TICKERWIRE_TAGGING__EXTRA_ALIASES": str(broken), "TICKERWIRE_DATA_DIR": str(tmp_path)}
    for argv in (["tag"], ["serve", "--no-poll"]):
        result = CliRunner().invoke(cli, argv, input="Gold rose.", env=env)
        assert result.exit_code != 0, argv
        assert "settings refused" in result.stderr and "not valid TOML" in result.stderr, argv
        assert "Traceback" not in result.output

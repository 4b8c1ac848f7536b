"""Settings: defaults, environment variables, a TOML file, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tickerwire.config import Settings, load_settings


def test_the_default_store_is_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'tickerwire.sqlite3'}"


def test_environment_variables_override_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TICKERWIRE_PORT", "9001")
    monkeypatch.setenv("TICKERWIRE_FETCH__CONNECT_TIMEOUT", "2.5")
    monkeypatch.setenv("TICKERWIRE_RIBBON", '["BTCUSD", "SPX"]')
    settings = load_settings()
    assert settings.port == 9001
    assert settings.fetch.connect_timeout == 2.5
    assert [i.symbol for i in settings.registry.ribbon] == ["BTCUSD", "SPX"]


def test_a_toml_file_adds_instruments_and_sets_provider_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "tickerwire.toml"
    config.write_text(
        'remove_instruments = ["CMC200"]\n'
        "[[instruments]]\n"
        'symbol = "AAPL"\nname = "Apple Inc."\nasset_class = "equity"\ncalendar = "XNYS"\n'
        'provider_symbols = { yahoo = "AAPL" }\n'
        "[providers]\n"
        'order = ["stooq", "yahoo"]\n'
    )
    monkeypatch.setenv("TICKERWIRE_CONFIG", str(config))
    settings = load_settings()
    assert settings.providers.order == ["stooq", "yahoo"]
    assert settings.registry.get("AAPL").name == "Apple Inc."
    assert "CMC200" not in settings.registry


def test_environment_beats_the_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "tickerwire.toml"
    config.write_text("port = 8100\n")
    monkeypatch.setenv("TICKERWIRE_CONFIG", str(config))
    monkeypatch.setenv("TICKERWIRE_PORT", "8200")
    assert load_settings().port == 8200


def test_a_named_config_file_that_is_missing_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TICKERWIRE_CONFIG", str(tmp_path / "absent.toml"))
    with pytest.raises(FileNotFoundError, match=r"absent\.toml"):
        load_settings()


def test_demo_mode_uses_only_the_simulated_provider() -> None:
    assert Settings(demo=True).providers.order == ["simulated"]


def test_simulated_data_cannot_be_mixed_with_real_providers() -> None:
    with pytest.raises(ValidationError, match="simulated provider cannot share"):
        Settings(providers={"order": ["yahoo", "simulated"]})


def test_unknown_settings_are_refused_rather_than_ignored() -> None:
    with pytest.raises(ValidationError, match="colour"):
        Settings(colour="blue")  # type: ignore[call-arg]

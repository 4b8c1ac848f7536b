"""Settings: defaults, environment variables, a TOML file, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from tickerwire.config import Settings, SettingsError, load_settings


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


def test_a_misspelt_environment_variable_is_refused_with_the_closest_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKERWIRE_RIBON", '["SPX"]')
    with pytest.raises(SettingsError, match=r"TICKERWIRE_RIBON .*did you mean TICKERWIRE_RIBBON"):
        load_settings()


def test_a_misspelt_nested_environment_variable_is_refused_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKERWIRE_FETCH__CONECT_TIMEOUT", "3")
    with pytest.raises(SettingsError, match="did you mean TICKERWIRE_FETCH__CONNECT_TIMEOUT"):
        load_settings()


def test_the_test_suites_own_variables_are_not_settings_and_not_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TICKERWIRE_REQUIRE_REDIS", "1")
    assert load_settings().port == 8000


def test_an_unknown_key_in_a_toml_table_is_refused_with_the_closest_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "tickerwire.toml"
    config.write_text("[providers]\nordre = ['stooq']\n")
    monkeypatch.setenv("TICKERWIRE_CONFIG", str(config))
    with pytest.raises(SettingsError, match=r"providers\.ordre .*did you mean providers\.order"):
        load_settings()


def test_a_ribbon_naming_an_unknown_instrument_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(SettingsError, match=r"ribbon names AAPL, .*known: SPX, DJI"):
        load_settings(ribbon=["SPX", "AAPL"])


def test_the_demo_keeps_its_own_sqlite_file(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, demo=True)
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'tickerwire-demo.sqlite3'}"


def test_the_demo_on_a_database_the_user_named_is_refused(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'real.db'}", demo=True)
    with pytest.raises(SettingsError, match="demo mode keeps its simulated quotes"):
        settings.refuse_demo_on_a_named_database()


def test_an_unreadable_extra_alias_table_stops_the_settings_with_its_complaint(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "aliases.toml"
    broken.write_text('[[entity]]\nname = "Acme"\nkind = "company"\naliases = ["acme"\n')
    with pytest.raises(SettingsError, match=r"aliases\.toml is not valid TOML"):
        load_settings(tagging={"extra_aliases": broken})
    with pytest.raises(SettingsError, match="cannot read alias table"):
        load_settings(tagging={"extra_aliases": tmp_path / "missing.toml"})

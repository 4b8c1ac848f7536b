"""Signed image URLs: the portal fetches only images its own pages named."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tickerwire.media.signing import MediaSigner, load_key, source_of

SOURCE = "https://img.example/2026/11/harbour.jpg?w=800"


def parts(path: str) -> tuple[str, str]:
    _, prefix, digest, encoded = path.split("/")
    assert prefix == "media"
    return digest, encoded


def test_a_signed_path_leads_back_to_its_source() -> None:
    signer = MediaSigner(b"k" * 32)
    assert signer.verify(*parts(signer.path(SOURCE))) == SOURCE


def test_a_path_signed_with_another_key_is_refused() -> None:
    path = MediaSigner(b"a" * 32).path(SOURCE)
    assert MediaSigner(b"b" * 32).verify(*parts(path)) is None


def test_a_source_swapped_under_a_good_signature_is_refused() -> None:
    signer = MediaSigner(b"k" * 32)
    digest, _ = parts(signer.path(SOURCE))
    _, other = parts(signer.path("http://169.254.169.254/latest/meta-data/"))
    assert signer.verify(digest, other) is None


@pytest.mark.parametrize("encoded", ["", "!!!", "%%%", "////"])
def test_garbage_is_refused_without_an_error(encoded: str) -> None:
    assert MediaSigner(b"k" * 32).verify("x", encoded) is None


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        MediaSigner(b"short")


def test_without_a_configured_key_one_is_written_once_and_kept_private(tmp_path: Path) -> None:
    first = load_key("", tmp_path)
    assert load_key("", tmp_path) == first and len(first) == 32
    assert stat.S_IMODE((tmp_path / "media.key").stat().st_mode) == 0o600


def test_a_configured_key_is_the_same_on_every_replica(tmp_path: Path) -> None:
    shared = "a key every replica is given in its settings"
    one, two = load_key(shared, tmp_path / "one"), load_key(shared, tmp_path / "two")
    assert one == two
    assert MediaSigner(one).path(SOURCE) == MediaSigner(two).path(SOURCE)


def test_a_path_names_its_source_to_whoever_signs_it_again() -> None:
    path = MediaSigner(b"a" * 32).path(SOURCE)
    assert source_of(path) == SOURCE
    assert MediaSigner(b"b" * 32).path(source_of(path) or "") != path


@pytest.mark.parametrize(
    "path", ["/media/", "/media/digest", "/media/digest/%%%", "/elsewhere/d/aHR0cA", "/media/d/a/b"]
)
def test_what_is_not_a_portal_path_names_no_source(path: str) -> None:
    assert source_of(path) is None

"""Speaker photos travel in a bundle byte for byte (content-addressed, checked on restore), so
a restored archive shows them; a missing photo stops the export with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rostra.archive.domain.speaker_photos import store_photo_bytes
from rostra.archive.models import Speaker
from rostra.core.errors import UserError
from rostra.core.storage import media_file
from rostra.portability import MANIFEST
from rostra.portability.export import export_archive
from rostra.portability.restore import restore_archive
from tests.portability.test_bundle import (archive, bundle_files,  # noqa: F401
                                           run_cli)
from tests.review.conftest import (admin_ada, editor_all, fast_password_hashing,  # noqa: F401
                                   make_user, private_data_dir)

pytestmark = pytest.mark.django_db

PNG = (Path(__file__).resolve().parents[1] / "fixtures" / "programs" / "photos"
       / "sara-ahmadi.png").read_bytes()


@pytest.fixture
def with_photo(archive):  # noqa: F811 (the fixture imported above)
    relative = store_photo_bytes(PNG)
    Speaker.objects.filter(slug="sara-karimi").update(
        photo_path=relative, photo_source="https://example.org/sara.png")
    return relative


@pytest.mark.slow
def test_photo_round_trips_byte_for_byte_through_the_cli(with_photo, tmp_path):
    first = tmp_path / "first"
    result = export_archive(first)
    assert result.counts["photos"] == 1
    files = json.loads((first / MANIFEST).read_text())["files"]
    assert f"media/{with_photo}" in files
    assert (first / "media" / with_photo).read_bytes() == PNG
    fresh = tmp_path / "fresh-instance"
    restored = run_cli("import-archive", str(first), "--no-reindex", data_dir=fresh)
    assert restored.returncode == 0, restored.stderr
    assert (fresh / "media" / with_photo).read_bytes() == PNG
    second = tmp_path / "second"
    exported = run_cli("export", str(second), data_dir=fresh)
    assert exported.returncode == 0, exported.stderr
    one, two = bundle_files(first), bundle_files(second)
    assert sorted(one) == sorted(two)
    for name in one:
        assert one[name] == two[name], f"{name} differs after the round trip"
    speaker = next(r for r in json.loads(two["archive.json"])["speakers"])
    assert speaker["photo_path"] == with_photo


def test_restored_speaker_page_serves_the_photo(with_photo, tmp_path, settings, client):
    export_archive(tmp_path / "bundle")
    _wipe_archive()
    media_file(with_photo).unlink()
    restore_archive(tmp_path / "bundle", reindex=False)
    assert media_file(with_photo).read_bytes() == PNG
    response = client.get("/en/speakers/sara-karimi/photo/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_a_damaged_photo_in_the_bundle_is_refused_and_nothing_is_written(with_photo,
                                                                         tmp_path):
    bundle = tmp_path / "bundle"
    export_archive(bundle)
    # Damaged consistently (manifest rewritten too): only the content address catches it.
    bundled = bundle / "media" / with_photo
    bundled.write_bytes(PNG + b"tampered")
    manifest = json.loads((bundle / MANIFEST).read_text())
    import hashlib

    manifest["files"][f"media/{with_photo}"] = hashlib.sha256(bundled.read_bytes()).hexdigest()
    (bundle / MANIFEST).write_text(json.dumps(manifest))
    _wipe_archive()
    media_file(with_photo).unlink()
    with pytest.raises(UserError, match=r"media/photos/.* does not match its name"):
        restore_archive(bundle, reindex=False)
    assert not Speaker.objects.exists()
    assert not media_file(with_photo).exists()


def test_a_missing_photo_file_stops_the_export_with_one_line(with_photo, tmp_path):
    media_file(with_photo).unlink()
    with pytest.raises(UserError, match=r"speaker photo .* \(speaker sara-karimi\) is missing; "
                                        r"import the program again"):
        export_archive(tmp_path / "bundle")


def test_a_bundle_without_photos_still_restores(archive, tmp_path):  # noqa: F811
    bundle = tmp_path / "bundle"
    export_archive(bundle)
    document = json.loads((bundle / "archive.json").read_text())
    assert document["speakers"][0]["photo_path"] == ""
    _wipe_archive()
    restore_archive(bundle, reindex=False)
    assert Speaker.objects.get().photo_path == ""


def _wipe_archive() -> None:
    from rostra.archive.models import Event, MediaAsset

    Event.objects.all().delete()
    MediaAsset.objects.all().delete()

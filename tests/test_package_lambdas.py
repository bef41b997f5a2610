"""The thumbnail function's zip: deterministic, handler at the root; nothing fetched from PyPI."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from deploy import package_lambdas

ROOT = Path(__file__).resolve().parent.parent


def test_local_zip_is_the_handler_alone_and_byte_for_byte_repeatable(tmp_path):
    first = package_lambdas.build_zip(tmp_path / "a" / "thumbnail.zip", with_pillow=False)
    second = package_lambdas.build_zip(tmp_path / "b" / "thumbnail.zip", with_pillow=False)

    assert first == tmp_path / "a" / "thumbnail.zip"
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["thumbnail.py"]
        assert archive.read("thumbnail.py") == (ROOT / "lambdas" / "thumbnail.py").read_bytes()
        info = archive.getinfo("thumbnail.py")
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.external_attr >> 16 == 0o100644


def test_cli_local_prints_path_size_and_sha256(tmp_path, capsys):
    out = tmp_path / "thumbnail.zip"

    package_lambdas.main(["--out", str(out), "--local"])

    data = out.read_bytes()
    assert capsys.readouterr().out.split() == [
        str(out), str(len(data)), "bytes", "sha256", hashlib.sha256(data).hexdigest()]


def test_with_pillow_unpacks_the_pinned_wheel_sorted(tmp_path, monkeypatch):
    """The wheel pip would download is faked, so the test stays offline."""
    requested = []

    def fake_download(package, version, directory):
        requested.append((package, version))
        wheel = directory / f"{package}-{version}-cp312-cp312-manylinux_2_28_aarch64.whl"
        with zipfile.ZipFile(wheel, "w") as archive:
            archive.writestr("PIL/__init__.py", "")
            archive.writestr("PIL/", "")
            archive.writestr("pillow.libs/libz.so.1", b"\x7fELF")
        return wheel

    monkeypatch.setattr(package_lambdas, "download_wheel", fake_download)

    out = package_lambdas.build_zip(tmp_path / "thumbnail.zip", with_pillow=True)

    assert requested == [("pillow", package_lambdas.pinned_version("pillow"))]
    with zipfile.ZipFile(out) as archive:
        assert archive.namelist() == ["PIL/__init__.py", "pillow.libs/libz.so.1", "thumbnail.py"]
        assert {info.external_attr >> 16 for info in archive.infolist()} == {0o100644}


def test_pinned_version_is_read_from_the_lock_file(tmp_path):
    lock = tmp_path / "requirements.lock"
    lock.write_text("numpy==2.4.6\nPillow==13.0.0\npillow-heif==1.0.0\n")

    assert package_lambdas.pinned_version("pillow", lock) == "13.0.0"
    with pytest.raises(SystemExit, match="no 'boto3==<version>' line"):
        package_lambdas.pinned_version("boto3", lock)

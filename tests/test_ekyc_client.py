"""The command-line client refuses bad input before anything is uploaded."""

from __future__ import annotations

import pytest

from client import cli, uploads


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    (b"%PDF-1.7 not a photo", "not a JPEG or PNG image"),
    (b"", "not a JPEG or PNG image"),
], ids=["missing", "pdf", "empty"])
def test_unusable_files_are_refused(tmp_path, content, message):
    path = tmp_path / "picture.jpg"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(uploads.ClientError, match=message):
        uploads.read_image(path)


def test_files_over_15_mb_are_refused(tmp_path):
    path = tmp_path / "huge.jpg"
    path.write_bytes(b"\xff\xd8\xff" + b"\0" * uploads.MAX_IMAGE_BYTES)
    with pytest.raises(uploads.ClientError, match="at most 15728640"):
        uploads.read_image(path)


@pytest.mark.parametrize("header,extension", [(b"\xff\xd8\xff\xe0", "jpg"),
                                              (b"\x89PNG\r\n\x1a\n", "png")])
def test_the_extension_follows_the_content(tmp_path, header, extension):
    path = tmp_path / "picture.bin"
    path.write_bytes(header + b"rest")
    assert uploads.read_image(path) == (header + b"rest", extension)


@pytest.mark.parametrize("userid", ["alice smith", "zoë", "../x", "-x", "", "a" * 101, "a..b"])
def test_user_ids_the_stack_would_refuse_are_refused(userid):
    with pytest.raises(uploads.ClientError, match="must be 1-100 characters"):
        uploads.check_userid(userid)


def test_verify_checks_both_files_before_uploading(tmp_path, capsys, monkeypatch):
    uploads = []

    class FakeClient:
        def __init__(self, *args, **kwargs):
            pass

        def upload(self, *args):
            uploads.append(args)
            return "key", None

    monkeypatch.setattr(cli, "Client", FakeClient)
    good = tmp_path / "id.jpg"
    good.write_bytes(b"\xff\xd8\xff\xe0jpeg")
    assert cli.main(["verify", "alice", "--id", str(good), "--selfie",
                      str(tmp_path / "missing.jpg")]) == 2
    assert uploads == []
    assert "missing.jpg: no such file" in capsys.readouterr().err

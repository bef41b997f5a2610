"""Build the thumbnail function's deployment zip, byte for byte the same from the same inputs.

    python -m deploy.package_lambdas --out build/thumbnail.zip          # handler + Pillow
    python -m deploy.package_lambdas --out build/thumbnail.zip --local  # handler only

The handler sits at the zip's root (Lambda handler ``thumbnail.handler``). Pillow comes as the
wheel for Lambda's runtime (CPython 3.12 on arm64), at the version pinned in requirements.lock,
unpacked into the zip. ``--local`` leaves it out: the embedded engine runs the handler in this
process, with the venv's Pillow.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDLER = ROOT / "lambdas" / "thumbnail.py"
LOCK_FILE = ROOT / "requirements.lock"
PYTHON_VERSION = "3.12"
# Lambda's python3.12 runtime is Amazon Linux 2023 (glibc 2.34). Pillow's recent arm64 wheels
# are tagged manylinux_2_28 only, and pip does not widen a --platform to older glibc tags, so
# every compatible tag is listed.
PLATFORMS = (*(f"manylinux_2_{minor}_aarch64" for minor in range(34, 16, -1)),
             "manylinux2014_aarch64")
EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # a regular file, rw-r--r--


def pinned_version(package: str, lock_file: Path = LOCK_FILE) -> str:
    pattern = re.compile(rf"^{re.escape(package)}==(\S+)", re.IGNORECASE | re.MULTILINE)
    match = pattern.search(lock_file.read_text())
    if not match:
        raise SystemExit(f"{lock_file}: no '{package}==<version>' line")
    return match.group(1)


def download_wheel(package: str, version: str, directory: Path) -> Path:
    """The wheel of ``package==version`` for Lambda's runtime, fetched with pip."""
    platforms = [option for platform in PLATFORMS for option in ("--platform", platform)]
    subprocess.run([sys.executable, "-m", "pip", "download", f"{package}=={version}",
                    *platforms, "--only-binary=:all:", "--python-version", PYTHON_VERSION,
                    "--implementation", "cp", "--no-deps", "--disable-pip-version-check",
                    "--quiet", "-d", str(directory)], check=True)
    wheels = list(directory.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel from pip download, got {wheels}")
    return wheels[0]


def wheel_members(wheel: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(wheel) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()
                if not info.is_dir()}


def write_zip(out: Path, members: dict[str, bytes]) -> None:
    """Sorted members, fixed timestamps and modes: only the contents decide the bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so external_attr holds the mode
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, members[name], compresslevel=9)


def build_zip(out: Path, *, with_pillow: bool) -> Path:
    """Write the thumbnail function's zip to ``out`` and return ``out``."""
    members = {HANDLER.name: HANDLER.read_bytes()}
    if with_pillow:
        with tempfile.TemporaryDirectory() as directory:
            wheel = download_wheel("pillow", pinned_version("pillow"), Path(directory))
            members.update(wheel_members(wheel))
    write_zip(out, members)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "thumbnail.zip",
                        help="where to write the zip (default: build/thumbnail.zip)")
    parser.add_argument("--local", action="store_true",
                        help="the handler only, for the embedded engine (no Pillow)")
    arguments = parser.parse_args(argv)
    out = build_zip(arguments.out, with_pillow=not arguments.local)
    data = out.read_bytes()
    print(f"{out}  {len(data)} bytes  sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()

"""Deployment packages on disk: function code in a task root, layers merged into an opt dir.

Each is unpacked once per content hash under the executor's work directory and reused by every
environment of that version. The runtime's own packages (boto3 and what it needs) are linked
into a folder of their own, so a handler sees boto3 as in the managed runtime but not the rest
of localaws's environment (Pillow must come from a layer, as on AWS).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath

RUNTIME_PACKAGES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")


class BadPackageError(Exception):
    """A deployment package that is no zip, or has a member that could write outside the folder
    it unpacks to."""


def unsafe_member(member: zipfile.ZipInfo) -> str | None:
    """Why ``member`` may not be unpacked (absolute, ``..`` or a symbolic link), or None."""
    name = member.filename.replace("\\", "/")
    if name.startswith("/") or PureWindowsPath(member.filename).drive:
        return f"{member.filename!r} is an absolute path"
    if ".." in PurePosixPath(name).parts:
        return f"{member.filename!r} climbs out of the package with '..'"
    if stat.S_ISLNK(member.external_attr >> 16):
        return f"{member.filename!r} is a symbolic link"
    return None


def check_package(package: bytes) -> None:
    """BadPackageError naming the first member that must not be unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(package))
    except zipfile.BadZipFile as error:
        raise BadPackageError(f"the deployment package is not a zip file ({error}).") from None
    with archive:
        for member in archive.infolist():
            reason = unsafe_member(member)
            if reason is not None:
                raise BadPackageError(
                    f"the deployment package cannot be unpacked safely: {reason}. Zip the "
                    "files relative to the package's root, without links."
                )


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, staging: Path) -> None:
    """One member into ``staging``, with the permission bits the zip gives it."""
    path = Path(archive.extract(member, staging))
    if not path.resolve().is_relative_to(staging.resolve()):  # unsafe_member let nothing out
        raise BadPackageError(f"{member.filename!r} would be written outside the package")
    mode = member.external_attr >> 16
    if mode and not member.is_dir():
        os.chmod(path, mode & 0o777 or 0o644)


def _unpack_once(target: Path, zips: Sequence[bytes]) -> Path:
    """Unzip ``zips`` in order (later files win) into ``target``, atomically, unless there.

    BadPackageError, with nothing unpacked, for a member that is absolute, climbs out
    with ``..`` or is a symbolic link.
    """
    if target.is_dir():
        return target
    for package in zips:
        check_package(package)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".unpack-", dir=target.parent))
    try:
        for package in zips:
            with zipfile.ZipFile(io.BytesIO(package)) as archive:
                for member in archive.infolist():
                    _extract(archive, member, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        os.rename(staging, target)
    except OSError:  # another thread unpacked the same content first
        shutil.rmtree(staging, ignore_errors=True)
    return target


def content_key(parts: Sequence[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:32]


class PackageStore:
    """Task roots, opt dirs and the runtime package folder under one work directory."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir

    def task_root(self, code_zip: bytes) -> Path:
        return _unpack_once(self.work_dir / "code" / content_key([code_zip]), [code_zip])

    def opt_dir(self, layer_zips: Sequence[bytes]) -> Path | None:
        if not layer_zips:
            return None
        return _unpack_once(self.work_dir / "opt" / content_key(layer_zips), layer_zips)

    def runtime_packages(self) -> Path:
        """A folder holding links to boto3 and its dependencies from this environment."""
        folder = self.work_dir / "runtime-packages"
        if folder.is_dir():
            return folder
        self.work_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".runtime-", dir=self.work_dir))
        for name in RUNTIME_PACKAGES:
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                continue
            origin = Path(spec.origin)
            source = origin.parent if origin.name == "__init__.py" else origin
            (staging / source.name).symlink_to(source)
        try:
            os.rename(staging, folder)
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
        return folder

    def environment_dir(self, environment_id: str) -> Path:
        path = self.work_dir / "environments" / environment_id
        (path / "tmp").mkdir(parents=True, exist_ok=True)
        return path

    def remove_environment_dir(self, environment_id: str) -> None:
        shutil.rmtree(self.work_dir / "environments" / environment_id, ignore_errors=True)

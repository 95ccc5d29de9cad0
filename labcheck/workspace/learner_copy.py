"""Make or update the learner's copy of the course with nbgrader's own generate step.

``nbgrader generate_assignment`` takes the solutions and hidden tests out of the source
notebooks (``notebooks/``, the instructor's); what it releases goes to a workspace the learner
works in (``workspace/``, not tracked by git). A learner's work is never overwritten: a
notebook they changed (an answer, or only its outputs) stays as it is, and a newer release of
it is written beside it as ``<name>.updated.ipynb``; a notebook they never changed is replaced.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from labcheck.errors import CannotGradeError
from labcheck.workspace.scratch_course import (
    NOT_RELEASED,
    NbgraderFailed,
    make_course,
    run_nbgrader,
)

#: What the workspace remembers of the release it holds (the sources' digest, each file's).
MANIFEST = ".course-release.json"
#: JupyterLab settings for learners: no instructor tools (formgrader, create assignment, the
#: exchange's lists), no news or update pop-ups. Given with JUPYTER_CONFIG_PATH.
LEARNER_JUPYTER_CONFIG = Path(__file__).parent / "learner_jupyter"
UPDATED = ".updated"


@dataclass
class WorkspaceReport:
    """What one update did to the workspace."""

    workspace: Path
    up_to_date: bool = False
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)  # the learner's kept; newer one beside

    def lines(self) -> list[str]:
        if self.up_to_date:
            return [f"The course in {self.workspace} is up to date."]
        said = [f"The course in {self.workspace}:"]
        if self.added:
            said.append(f"  {len(self.added)} file(s) added.")
        if self.replaced:
            said.append(f"  {len(self.replaced)} notebook(s) you had not changed, updated.")
        for name in self.offered:
            said.append(f"  {name}: yours is kept; the course's newer version is beside it.")
        if len(said) == 1:
            said.append("  nothing changed.")
        return said


def update_workspace(sources: Path, config: Path, workspace: Path) -> WorkspaceReport:
    """Release ``sources`` with nbgrader (``config``: its nbgrader_config.py) into
    ``workspace``, keeping every file the learner changed."""
    for path, what in ((sources, "source notebooks folder"), (config, "nbgrader config")):
        if not path.exists():
            raise CannotGradeError(
                f"no {what} at {path}.", "Run this from the project's folder (where README.md is)."
            )
    digest = sources_digest(sources, config)
    delivered_from, files = _read_manifest(workspace)
    report = WorkspaceReport(workspace)
    if delivered_from == digest and all((workspace / name).exists() for name in files):
        report.up_to_date = True
    else:
        with tempfile.TemporaryDirectory(prefix="course-release-") as scratch:
            released = release(sources, config, Path(scratch))
            for path in sorted(p for p in released.rglob("*") if p.is_file()):
                name = path.relative_to(released).as_posix()
                _deliver(path.read_bytes(), workspace, name, files, report)
    # Where the instructor's copy is, for the learner's self-check (labcheck.quiz).
    course = {"sources": str(sources.resolve()), "config": str(config.resolve())}
    _write_manifest(workspace, {"sources": digest, "files": files, "course": course})
    return report


def release(sources: Path, config: Path, scratch: Path) -> Path:
    """Run ``nbgrader generate_assignment`` on a copy of the course; its release folder."""
    assignments = [p for p in sorted(sources.iterdir()) if p.is_dir() and any(p.glob("*.ipynb"))]
    course = make_course(config, assignments, scratch)
    try:
        errors = run_nbgrader(course, "generate_assignment", "*", "--force")
    except NbgraderFailed as failure:
        errors = [str(failure)]
    if errors:
        raise CannotGradeError(
            "nbgrader could not release the course: " + " ".join(errors[:3]),
            "Run `nbgrader generate_assignment '*' --force` in the project's folder to see why.",
        )
    return course / "release"


def sources_digest(sources: Path, config: Path) -> str:
    """One digest of everything a release is made from (every file ``release`` copies)."""
    digest = hashlib.sha256(config.read_bytes())
    for path in sorted(p for p in sources.rglob("*") if p.is_file()):
        parts = path.relative_to(sources).parts
        if len(parts) > 1 and not any(fnmatch(part, skip) for part in parts
                                      for skip in NOT_RELEASED):  # fmt: skip
            digest.update("/".join(parts).encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _deliver(content: bytes, workspace: Path, name: str, files: dict[str, str],
             report: WorkspaceReport) -> None:  # fmt: skip
    """Put one released file in the workspace unless the learner changed theirs; ``files``
    (each file's digest as last delivered) is brought up to date."""
    target = workspace / name
    new_digest = hashlib.sha256(content).hexdigest()
    last_delivered, files[name] = files.get(name), new_digest
    if target.exists() and last_delivered == new_digest:
        return  # the course's version of it has not changed: nothing to deliver
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        report.added.append(name)
        return
    current = hashlib.sha256(target.read_bytes()).hexdigest()
    if current == new_digest:
        return
    if current == last_delivered:  # as delivered last time: the learner has not touched it
        target.write_bytes(content)
        report.replaced.append(name)
        return
    beside = _beside(target, workspace, files)
    beside.write_bytes(content)
    files[beside.relative_to(workspace).as_posix()] = new_digest
    report.offered.append(name)


def _beside(target: Path, workspace: Path, files: dict[str, str]) -> Path:
    """Where the course's newer version of ``target`` goes: ``<name>.updated.ipynb``, unless
    the learner has worked in that one too (then ``<name>.updated-2.ipynb``, and so on)."""
    for number in range(1, 1000):
        suffix = UPDATED if number == 1 else f"{UPDATED}-{number}"
        beside = target.with_name(f"{target.stem}{suffix}{target.suffix}")
        ours = files.get(beside.relative_to(workspace).as_posix())
        if not beside.exists() or hashlib.sha256(beside.read_bytes()).hexdigest() == ours:
            return beside
    raise CannotGradeError(f"too many updated copies of {target.name}; delete some.")


def find_workspace(inside: Path) -> tuple[Path, Path, Path] | None:
    """The workspace holding ``inside`` and the sources and nbgrader config it was released
    from (which may be gone: a class image leaves them out), or None when ``inside`` is not in
    a learner copy."""
    for folder in (inside, *inside.parents):
        try:
            course = json.loads((folder / MANIFEST).read_text())["course"]
            sources, config = Path(course["sources"]), Path(course["config"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        return folder, sources, config
    return None


def _read_manifest(workspace: Path) -> tuple[str | None, dict[str, str]]:
    """The sources' digest of the release in the workspace, and each file's as delivered."""
    try:
        loaded = json.loads((workspace / MANIFEST).read_text())
        files = {str(name): str(digest) for name, digest in loaded["files"].items()}
        return str(loaded["sources"]), files
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None, {}


def _write_manifest(workspace: Path, manifest: dict[str, object]) -> None:
    workspace.mkdir(parents=True, exist_ok=True)
    (workspace / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")

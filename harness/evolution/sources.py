"""The two sides of a diff: a file, or the contract at a git revision (``git:REV[:PATH]``).

``git:origin/main`` is contracts/asyncapi.yaml (from the top of the repository around the
working directory) at origin/main, with contracts/openapi.yaml beside it when the revision has
one; ``git:HEAD~1:api/asyncapi.yaml`` names another path (from the top, or ``./...`` from the
working directory, as git reads it). Both files are written to a temporary directory and
loaded like any contract. Example::

    old = read_contract("git:origin/main")
    new = read_contract("contracts/asyncapi.yaml")
"""

from __future__ import annotations

import posixpath
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.contract import Contract, load_contract
from harness.errors import ContractLoadError, ContractRevisionError

GIT = "git:"
DEFAULT_PATH = "contracts/asyncapi.yaml"


def read_contract(source: str, *, cwd: Path | None = None) -> Contract:
    """The contract ``source`` names: an AsyncAPI file (its openapi.yaml beside it is read
    too), or ``git:REV[:PATH]``; a ContractError naming what and where when it cannot."""
    if source.startswith(GIT):
        return GitContract.parse(source).load(cwd or Path.cwd())
    return load_contract(Path(source))


@dataclass(frozen=True)
class GitContract:
    """A contract at a git revision."""

    revision: str
    path: str = DEFAULT_PATH

    @classmethod
    def parse(cls, source: str) -> GitContract:
        revision, _, path = source.removeprefix(GIT).partition(":")
        if not revision:
            raise ContractRevisionError(
                source, "no revision", revision="", path=path, hint="write git:REV, e.g. git:HEAD~1"
            )
        return cls(revision, path or DEFAULT_PATH)

    @property
    def source(self) -> str:
        return f"{GIT}{self.revision}:{self.path}"

    @property
    def companion(self) -> str:
        return posixpath.join(posixpath.dirname(self.path), "openapi.yaml")

    def load(self, cwd: Path) -> Contract:
        self._verify(cwd)
        asyncapi = self._show(cwd, self.path)
        if asyncapi is None:
            raise self._error(f"{self.revision} has no file {self.path}", "give git:REV:PATH")
        openapi = self._show(cwd, self.companion)
        with tempfile.TemporaryDirectory(prefix="contract-diff-") as tmp:
            spec = Path(tmp, "asyncapi.yaml")
            spec.write_bytes(asyncapi)
            if openapi is not None:
                spec.with_name("openapi.yaml").write_bytes(openapi)
            return self._loaded(spec)

    def _loaded(self, spec: Path) -> Contract:
        try:
            return load_contract(spec)
        except ContractLoadError as exc:  # name the revision's file, not the temporary one
            shown = (
                self.source if exc.path == str(spec) else f"{GIT}{self.revision}:{self.companion}"
            )
            raise ContractLoadError(shown, exc.reason, where=exc.where) from None

    def _verify(self, cwd: Path) -> None:
        """A repository around ``cwd`` (found as ``git rev-parse --show-toplevel`` finds it),
        and the revision in it."""
        try:
            self._git(cwd, "rev-parse", "--show-toplevel")
        except ContractRevisionError:
            reason = f"{cwd} is not inside a git repository"
            raise self._error(reason, "run it in a clone, or give a file") from None
        try:
            self._git(cwd, "rev-parse", "--verify", "--quiet", f"{self.revision}^{{commit}}")
        except ContractRevisionError:
            reason = f"unknown revision {self.revision!r}"
            raise self._error(reason, "check it with git log (or git fetch)") from None

    def _show(self, cwd: Path, path: str) -> bytes | None:
        try:
            return self._git(cwd, "show", f"{self.revision}:{path}")
        except ContractRevisionError:
            return None

    def _git(self, cwd: Path, *args: str) -> bytes:
        try:
            done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
        except FileNotFoundError:
            raise self._error("git is not installed", "install git or give a file") from None
        if done.returncode != 0:
            said = done.stderr.decode(errors="replace").strip().splitlines()
            raise self._error(said[0] if said else f"git {args[0]} failed", f"run it in {cwd}")
        return done.stdout

    def _error(self, reason: str, hint: str) -> ContractRevisionError:
        return ContractRevisionError(
            self.source, reason, revision=self.revision, path=self.path, hint=hint
        )


def merge_base(ref: str, *, cwd: Path | None = None) -> str | None:
    """The commit where HEAD left ``ref`` (``git merge-base REF HEAD``), the revision a pull
    request's contract is gated against; None when there is no such history here (not a
    clone, a shallow clone, ``ref`` unknown)."""
    try:
        done = subprocess.run(
            ["git", "merge-base", ref, "HEAD"],
            cwd=cwd or Path.cwd(),
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:
        return None
    commit = done.stdout.decode().strip()
    return commit if done.returncode == 0 and commit else None

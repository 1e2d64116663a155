"""Publishing a build into its folder as one step.

Every build is written whole into a fresh folder under ``.builds/``, then the ``current`` link is
switched to it with one atomic rename; ``sco.trig``, ``manifest.json`` and the other names at the
top of the build folder are fixed links through ``current``. So a reader (a query, ``serve``)
sees either the previous build or the new one, never a new ``sco.trig`` beside an old manifest,
and a build that fails or is killed halfway leaves the previous one in place. A lock keeps two
builds in one folder from interleaving; what a killed build left behind is removed by the next.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..core.errors import ScoKgError

BUILDS = ".builds"
CURRENT = "current"
LOCK = ".lock"


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the build folder's lock, or fail at once with one line if another build has it."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                raise ScoKgError(f"{out}: another build is writing to this folder; wait for it to finish") from None
            raise
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(out: Path, files: dict[str, str]) -> list[Path]:
    """Write ``files`` (name to text) as the folder's new build; the caller holds the lock.

    Returns the paths a reader uses (``out/NAME``), each a link through ``current``.
    """
    builds = out / BUILDS
    builds.mkdir(parents=True, exist_ok=True)
    _sweep(out)
    fresh = Path(tempfile.mkdtemp(dir=builds, prefix="build-"))
    try:
        os.chmod(fresh, 0o755)  # a temporary folder is private; a build is not
        for name, text in files.items():
            with open(fresh / name, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        _swap_link(out / CURRENT, Path(BUILDS) / fresh.name)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    paths = []
    for name in files:
        _ensure_link(out / name, Path(CURRENT) / name)
        paths.append(out / name)
    _sweep(out)
    return paths


def _swap_link(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` with one rename, which readers see all at once."""
    staged = link.with_name(f".{link.name}.{os.getpid()}.new")
    staged.unlink(missing_ok=True)
    os.symlink(target, staged)
    os.replace(staged, link)


def _ensure_link(path: Path, target: Path) -> None:
    """Make ``path`` the fixed link ``target``, replacing a plain file an older build wrote."""
    if path.is_symlink() and Path(os.readlink(path)) == target:
        return
    _swap_link(path, target)


def _sweep(out: Path) -> None:
    """Remove every build but the current one, and links a killed build left half-made."""
    builds = out / BUILDS
    current = (out / CURRENT).resolve().name if (out / CURRENT).is_symlink() else None
    for entry in builds.iterdir() if builds.is_dir() else ():
        if entry.name != current:
            shutil.rmtree(entry, ignore_errors=True)
    for stale in out.glob(".*.new"):
        stale.unlink(missing_ok=True)
    for stale in out.glob(".sco.*.tmp"):
        stale.unlink(missing_ok=True)


__all__ = ["locked", "publish"]

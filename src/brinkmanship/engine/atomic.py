"""Writing a set of result files into a folder so that it is whole or absent, never half-written or mixed.

Every command that writes results (``run --out``, ``brief --out``) goes through :class:`ResultFolder`:

1. **Before anything is computed** the folder is created if needed and checked: it must be a folder, it
   must be writable, and no other ``brink`` command may be writing into it (an advisory lock on the
   folder itself, released by the kernel when the process ends, however it ends).
2. **The re-run rule**: if any file of the set is already in the folder (an earlier result), the command is
   refused unless ``--force`` is given; with ``--force`` the whole set is replaced: a file of the set the
   new run does not write (``indices.csv`` of an earlier Sobol analysis under a new one-at-a-time one) is
   removed too, so no earlier result stays beside the new ones. Other files in the folder are never
   touched. A folder of the set (the briefing's ``figures/``) is the set's only through
   the files it names inside it: those are replaced (or removed, where the new set has no such file), and
   anything else in that folder, a user's own files, stays where it is; a folder holding none of them is
   no earlier result.
3. The files are written into a hidden staging folder inside the target (``.brink-incomplete-*``); only
   when all of them are written are they moved into place, one rename each. A full disk, Ctrl-C or a crash
   leaves the earlier results as they were, and the staging folder is removed (after ``kill -9`` it
   remains, named so that it does not look like a result, until the next command writing there).

A folder that is a sweep's dataset (``brink sweep``), or lies inside one, is refused before anything is
written: the dataset is read as every Parquet file under its folder (``pandas.read_parquet(DIR)``), so a
result set there would be read as the sweep's rows, and a JSON or CSV file would break reading it.

Write errors (full disk, permissions, a name that exists as a folder) become one-line
:class:`~brinkmanship.errors.UserError` messages naming the folder.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from brinkmanship.errors import UserError

STAGING_PREFIX = ".brink-incomplete-"
SWEEP_MANIFEST = "_manifest.json"
"""What makes a folder a sweep's dataset (:mod:`brinkmanship.sweep.store`): its manifest, whose name
begins with ``_`` so that readers of the dataset skip it."""
SWEEP_FORMAT = "brinkmanship-sweep/1"
"""The manifest's ``format``; any ``brinkmanship-sweep/`` version marks a sweep's dataset."""


def holds_sweep(folder: Path) -> bool:
    """Whether ``folder`` holds a sweep's manifest (of any format version)."""
    path = folder / SWEEP_MANIFEST
    try:
        if not path.is_file():
            return False
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and str(data.get("format", "")).startswith("brinkmanship-sweep/")


def enclosing_sweep(folder: Path, *, itself: bool = True) -> Path | None:
    """The sweep dataset ``folder`` is (with ``itself``) or lies inside, or None; ``folder`` need not exist.

    Every folder above counts: a dataset is read recursively, so a file in a sub-folder of a sub-folder
    is read as its rows too."""
    try:
        here = folder.resolve()  # through symbolic links: where the files would really land
    except (OSError, RuntimeError):  # a loop of links; mkdir will say what is wrong
        return None
    for candidate in (here, *here.parents) if itself else here.parents:
        if holds_sweep(candidate):
            return candidate
    return None


def check_out_text(text: str, flag: str = "--out") -> Path:
    """A folder path from the command line; an empty one would silently mean the current directory."""
    if not text.strip():
        raise UserError(f"{flag}: give a folder name (an empty name is not the current directory)")
    path = Path(text)
    whole, most = len(os.fsencode(os.path.abspath(text))), _limit(path, "PC_PATH_MAX", 4096)
    if whole >= most:
        raise UserError(
            f"{flag}: the path is {whole:,} bytes long; the file system takes at most {most - 1:,}"
        )
    longest = _limit(path, "PC_NAME_MAX", 255)
    for part in path.parts:
        if len(os.fsencode(part)) > longest:
            shown = part if len(part) <= 40 else part[:37] + "..."
            raise UserError(
                f"{flag}: the name {shown!r} is {len(os.fsencode(part)):,} bytes long; the file system takes "
                f"at most {longest}"
            )
    return path


def _limit(path: Path, name: str, default: int) -> int:
    """The file system's limit ``name`` (``os.pathconf``: PC_NAME_MAX, the longest name of one folder or
    file, or PC_PATH_MAX, the longest path, in bytes) where ``path`` would be."""
    for place in (path, *path.parents, Path.cwd()):
        try:
            if place.exists():
                return int(os.pathconf(place, name))
        except (OSError, ValueError):
            continue
    return default


class ResultFolder:
    """A context manager for one result set written into ``folder``; see the module's rules.

    ``names`` are the files and folders of the set; ``folders`` maps those of them that are folders to the
    names of the files the set may write inside each (only those are the set's: module docstring).

    Inside the ``with`` block, write each file of ``names`` to :meth:`staged`; call :meth:`commit` at the
    end of the block to move them into place. Leaving the block by an exception discards the staged files.
    """

    def __init__(
        self,
        folder: Path,
        names: Sequence[str],
        *,
        folders: Mapping[str, Collection[str]] | None = None,
        force: bool = False,
        flag: str = "--out",
    ) -> None:
        self.folder = folder
        self.names = tuple(names)
        self.folders = {name: frozenset(inside) for name, inside in (folders or {}).items()}
        self.force = force
        self.flag = flag
        self._lock: int | None = None
        self._created = False
        self._staging: Path | None = None

    def _refuse(self, message: str) -> UserError:
        return UserError(f"{self.flag} {self.folder}: {message}")

    def __enter__(self) -> ResultFolder:
        folder = self.folder
        if folder.exists() and not folder.is_dir():
            raise self._refuse("exists and is not a folder")
        self._refuse_sweep_dataset()
        self._created = not folder.exists()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise self._refuse(f"cannot create the folder: {error.strerror or error}") from None
        self._take_lock()
        try:
            self._remove_stale_staging()
            self._check_earlier_results()
            try:
                self._staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
            except OSError as error:
                raise self._refuse(f"cannot write into the folder: {error.strerror or error}") from None
        except BaseException:
            self._release_lock()
            raise
        return self

    def _refuse_sweep_dataset(self) -> None:
        """Nothing of a result set may land in a sweep's dataset: it would be read as the sweep's rows."""
        dataset = enclosing_sweep(self.folder)
        if dataset is None:
            return
        where = (
            "is a sweep's dataset"
            if dataset == self.folder.resolve()
            else f"lies inside the sweep dataset {dataset}"
        )
        raise self._refuse(
            f"{where} ({SWEEP_MANIFEST}): results written there would be read as the sweep's rows and break "
            "reading it (pandas.read_parquet); choose a folder outside it"
        )

    def _take_lock(self) -> None:
        try:
            self._lock = os.open(self.folder, os.O_RDONLY)
        except OSError as error:
            raise self._refuse(f"cannot open the folder: {error.strerror or error}") from None
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._release_lock()
            raise self._refuse(
                "another brink command is writing into this folder; wait for it or choose another folder"
            ) from None

    def _release_lock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the lock
            self._lock = None

    def _remove_stale_staging(self) -> None:
        """Staging folders of commands killed outright: with the lock held, no live command owns one."""
        for stale in self.folder.glob(f"{STAGING_PREFIX}*"):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)

    def _is_folder(self, path: Path) -> bool:
        return path.is_dir() and not path.is_symlink()

    def _earlier(self) -> list[str]:
        """The files of the set already in the folder; inside a result folder only the set's own files."""
        existing = []
        for name in self.names:
            target = self.folder / name
            if not os.path.lexists(target):
                continue
            if name in self.folders and self._is_folder(target):
                existing += [
                    f"{name}/{inner}"
                    for inner in sorted(self.folders[name])
                    if os.path.lexists(target / inner)
                ]
            else:
                existing.append(name)
        return existing

    def _check_earlier_results(self) -> None:
        existing = self._earlier()
        if not existing:
            return
        # A file where a result folder belongs (or the reverse) is refused first, with or without --force:
        # --force replaces an earlier set of results, it cannot turn a file into a folder.
        for name in existing:
            target = self.folder / name
            is_folder = self._is_folder(target)
            if is_folder != (name in self.folders):
                kind = "a folder where a result file" if is_folder else "a file where a result folder"
                raise self._refuse(f"{name} is {kind} belongs; remove it first")
        if not self.force:
            raise self._refuse(
                f"already holds {', '.join(existing)} from an earlier run; choose another folder, or add "
                "--force to replace that set of files"
            )

    def staged(self, name: str) -> Path:
        """Where to write the result ``name`` (a file, or a folder such as ``figures``)."""
        if self._staging is None:
            raise RuntimeError("ResultFolder used outside its with-block")
        return self._staging / name

    @property
    def staging(self) -> Path:
        """The staging folder itself (for writers that lay out several files)."""
        if self._staging is None:
            raise RuntimeError("ResultFolder used outside its with-block")
        return self._staging

    def final(self, name: str) -> Path:
        """Where ``name`` will be once committed."""
        return self.folder / name

    def commit(self) -> list[Path]:
        """Move every staged result into place, replacing an earlier set under ``--force``: a file of the
        set that this run did not write (``sensitivity --method oat`` after ``sobol``: no indices.csv) is
        set aside with the staging folder, so no stale result is left beside the new ones."""
        staging = self.staging
        placed = []
        for name in self.names:
            source = staging / name
            target = self.folder / name
            aside = staging / f"{name}.earlier"
            written = os.path.lexists(source)
            if name in self.folders and self._is_folder(target):
                # The folder is there, perhaps with a user's files in it: only the set's files change.
                aside.mkdir()
                for inner in sorted(self.folders[name]):
                    if os.path.lexists(target / inner) and not os.path.lexists(source / inner):
                        os.replace(target / inner, aside / inner)  # an earlier result the new set lacks
                if written:
                    for entry in sorted(os.listdir(source)):
                        os.replace(source / entry, target / entry)
                    placed.append(target)
                continue
            if os.path.lexists(target) and (self._is_folder(target) or not written):
                # An earlier result the new set lacks goes; a folder cannot be renamed over a non-empty
                # folder, so the old one is set aside first. (Without --force, _check_earlier_results
                # refused any file of the set found here: whatever is here was the set's.)
                os.replace(target, aside)
            if written:
                os.replace(source, target)
                placed.append(target)
        return placed

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if self._staging is not None:
                shutil.rmtree(self._staging, ignore_errors=True)
                self._staging = None
            if error is not None and self._created:
                # A folder this command created and filled with nothing is removed with the rest.
                with contextlib.suppress(OSError):
                    self.folder.rmdir()
        finally:
            self._release_lock()
        if isinstance(error, OSError):
            detail = error.strerror or str(error)
            raise self._refuse(f"cannot write the results: {detail}; earlier results are unchanged") from None

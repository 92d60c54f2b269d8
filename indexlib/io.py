"""Outputs: a single file, or a whole output folder, replaced atomically.

Every command that writes a folder (``build``, ``uncertainty``, ``sensitivity``, ``compare``,
``importance`` with ``--out``) goes through :func:`write_folder`; :func:`check_output_folder`
refuses a bad ``--out`` before any computing starts.

How a folder is replaced, and why it is crash-safe
--------------------------------------------------
:func:`write_folder` holds an exclusive ``flock`` on the folder that contains the target (so two
runs into one folder take turns; no lock file is left behind) and then:

1. removes what a killed run left beside the target: staging folders ``.<name>.tmp-*`` are
   deleted; an ``.<name>.old-*`` folder is renamed back to ``<name>`` when ``<name>`` is missing
   (a run killed between the two renames of step 4), else deleted;
2. writes every new file into a fresh staging folder ``.<name>.tmp-XXXXXXXX`` beside the target
   (same file system) and flushes it to disk;
3. links (or copies) into it every entry of the old folder that this writer does not own (see
   below);
4. renames the old folder to ``.<name>.old-XXXXXXXX``, the staging folder to ``<name>``, and
   deletes the old one (after moving over any entry added to it by hand since step 3).

A rename within one file system is atomic, so at every instant ``<name>`` is either the complete
old folder or the complete new one, except between the two renames of step 4, when it is absent
and the complete old folder waits beside it for the next run to restore. A failure or a kill
before step 4 leaves the old folder untouched; its only trace is a staging folder, removed by the
next run (or at once, for an exception).

Files the command did not write
-------------------------------
An output folder is shared by the commands of indexlib: each writer *owns* the names it may write
(e.g. ``build`` owns ``ranking.csv``, ``indicator_scores.csv``, ``results.json``,
``manifest.json``). A run replaces every owned name, deleting an owned file it no longer writes
(e.g. the figures of an earlier run without ``--no-figures``), and carries over every other entry
unchanged (hard links, or copies where the file system has none), so ``build --out d`` followed by
``uncertainty --out d`` keeps both results. A writer that owns its folder wholly (``keep_others=False``)
carries nothing over. A folder is only replaced if indexlib made it: it
holds the marker file ``.indexlib-output``, or it is empty. Any other existing folder, the current
folder and mount points are refused, so ``--out ~`` or ``--out .`` can never be moved aside.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from indicators.errors import OutputError

__all__ = ["write_atomic", "write_folder", "check_output_folder", "MARKER", "Content"]

#: What a file holds: text (written as UTF-8), bytes, a file to copy, or pieces of bytes written in
#: turn (e.g. a generator: a large table made and written block by block, never whole in memory).
Content = str | bytes | Path | Iterable[bytes]

#: Marker file of a folder written by :func:`write_folder`.
MARKER = ".indexlib-output"
_MARKER_TEXT = ("This folder was written by indexlib. indexlib replaces the files it writes here as a whole\n"
                "and carries over every other file unchanged.\n")
# Longest suffix added to the folder's name for the staging, old and probe folders: ".<name>.probe-XXXXXXXX".
_SUFFIX = len("..probe-") + 8


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write one file so that readers see either the old file or the complete new one.

    Raises
    ------
    OutputError
        The file cannot be written (folder not creatable or not writable, disk full…); the message
        names the file. No temporary file is left behind.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a file where a folder should be, permission denied…
        raise OutputError(f"{path}: cannot create the output folder {path.parent}: {exc.strerror or exc}; "
                          "expected a writable folder") from None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {path.parent}: {exc.strerror or exc}") from None
    try:
        os.close(handle)
        _write_file(Path(temporary), data)
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):  # disk full, the target is a folder…: the old file (if any) is intact
            raise OutputError(f"{path}: cannot write the output file: {exc.strerror or exc}; nothing was "
                              "replaced") from None
        raise
    return path


def _write_file(path: Path, data: Content) -> None:
    """Write ``data`` (:data:`Content`; a :class:`~pathlib.Path`: that file's bytes, copied without
    reading it whole) to ``path`` and flush it to disk."""
    with open(path, "wb") as f:
        if isinstance(data, Path):
            with open(data, "rb") as source:
                shutil.copyfileobj(source, f, 2**20)
        elif isinstance(data, (str, bytes)):
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        else:
            for piece in data:
                f.write(piece)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(path, 0o666 & ~_umask())  # the permissions a plain open() gives


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# ---------------------------------------------------------------------------------------------- checks
def check_output_folder(path: str | Path) -> Path:
    """Check that ``path`` can be an output folder of :func:`write_folder`; nothing is created.

    Returns the folder with symbolic links resolved. Refused, each with a message naming the
    path: an empty path, a name too long for the file system, a dangling symbolic link, a file
    (or a path below a file), a folder not written by indexlib that is not empty, the current
    folder (or one holding it), a mount point, and a place where no folder can be created (not
    writable, read-only file system) — the last found by creating and removing a probe folder.

    Raises
    ------
    OutputError
    """
    text = str(path)
    if not text.strip():
        raise OutputError("empty path; expected a folder for the outputs")
    if "\0" in text:  # the OS refuses it with a bare ValueError
        raise OutputError(f"{text!r} contains a null byte; expected a folder for the outputs")
    given = Path(text)
    _check_lengths(given)
    probe = given
    while not os.path.exists(probe):  # os.path.exists follows links: False for a dangling one
        if os.path.islink(probe):
            where = f"{given} is" if probe == given else f"{given}: {probe} is"
            raise OutputError(f"{where} a symbolic link to {os.readlink(probe)!r}, which does not exist; expected a "
                              "folder for the outputs, or a link to one")
        if probe.parent == probe:
            break
        probe = probe.parent
    target = Path(os.path.realpath(given))
    if target != given.absolute():
        _check_lengths(target)
    if target.exists() and not target.is_dir():
        raise OutputError(f"{given} is a file; expected a folder for the outputs (it is created if missing)")
    existing = target
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"{given}: {existing} is a file, so no folder can be created below it; expected a folder "
                          "for the outputs")
    if target.exists():
        _check_replaceable(given, target)
        existing = target.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        raise OutputError(f"{given}: the folder {existing} is not writable; expected a folder for the outputs that "
                          "you can write to")
    try:  # the real test: root passes os.access on a read-only file system
        probe_folder = tempfile.mkdtemp(prefix=f".{target.name}.probe-", dir=existing)
        with contextlib.suppress(FileNotFoundError):  # a writer's clean-up may have removed it already
            os.rmdir(probe_folder)
    except OSError as exc:
        raise OutputError(f"{given}: cannot create a folder in {existing}: {exc.strerror or exc}; expected a place "
                          "where the output folder can be written") from None
    return target


def _check_lengths(path: Path) -> None:
    anchor = next((p for p in [path, *path.parents] if os.path.isdir(p)), Path("."))  # isdir: no ENAMETOOLONG
    name_max, path_max = 255, 4096
    with contextlib.suppress(OSError, ValueError, AttributeError):
        name_max = os.pathconf(anchor, "PC_NAME_MAX")
        path_max = os.pathconf(anchor, "PC_PATH_MAX")
    for part in path.parts:
        limit = name_max - _SUFFIX if part == path.name else name_max
        if len(os.fsencode(part)) > limit:
            raise OutputError(f"{str(path)[:80]}…: the name {part[:40]!r}… is too long ({len(os.fsencode(part))} "
                              f"bytes; at most {limit} here); expected a shorter folder name")
    if len(os.fsencode(str(path.absolute()))) + _SUFFIX >= path_max:
        raise OutputError(f"{str(path)[:80]}…: the path is too long ({len(os.fsencode(str(path.absolute())))} "
                          f"bytes; at most {path_max - _SUFFIX - 1}); expected a shorter path")


def _check_replaceable(given: Path, target: Path) -> None:
    cwd = Path.cwd().resolve()
    if cwd == target or target in cwd.parents:
        raise OutputError(f"{given} is the current folder or holds it; the output folder is replaced as a whole, so "
                          "give a folder below the current one (e.g. --out results)")
    if os.path.ismount(target):
        raise OutputError(f"{given} is a mount point; the output folder is replaced as a whole, so give a folder "
                          "inside it")
    try:
        entries = os.listdir(target)
    except OSError as exc:
        raise OutputError(f"{given}: cannot list the folder: {exc.strerror or exc}") from None
    if entries and MARKER not in entries:
        shown = ", ".join(sorted(entries)[:5]) + (", …" if len(entries) > 5 else "")
        raise OutputError(f"{given} is a folder that indexlib did not write and it is not empty ({shown}); "
                          "expected a new or empty folder for the outputs")


# ---------------------------------------------------------------------------------------------- writing
def write_folder(target: str | Path, files: Mapping[str, Content], *, owns: Iterable[str] = (),
                 keep_others: bool = True) -> list[Path]:
    """Write ``files`` (name → :data:`Content`) into the folder ``target``, replacing it as a whole.

    Readers and later runs see the complete old folder or the complete new one, never a mix; see the
    module docstring for the steps and for the entries that are carried over.

    Parameters
    ----------
    target : path
        The output folder (created with its parents if missing; a symbolic link is followed).
    files : mapping
        Relative path (``name`` or ``sub/name``, ``/``-separated) → content; text is written as UTF-8,
        a :class:`~pathlib.Path` is copied, pieces of bytes are written in turn (a generator runs
        when its file is written, in the order of ``files``).
        The writer owns the first component of each path (a subfolder is replaced as a whole).
    owns : iterable of str
        Further names this writer may write: an old entry of that name is removed, not carried over.
    keep_others : bool, default True
        False: the folder is wholly the writer's; nothing of the old folder is carried over.

    Returns
    -------
    list of Path
        The written files, in the order of ``files``.

    Raises
    ------
    OutputError
        Any problem of :func:`check_output_folder`, or a file that cannot be written (the old folder
        is then untouched).
    """
    tops = [_top_component(name) for name in files]
    target = check_output_folder(target)
    owned = {*tops, *owns, MARKER}
    with _locked(target.parent):
        try:
            _remove_leftovers(target)
            check_output_folder(target)  # again under the lock: another run may have changed it
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        except OSError as exc:
            raise OutputError(f"{target}: cannot prepare the output folder: {exc.strerror or exc}; nothing was "
                              "replaced") from None
        aside = _swap_in(target, staging, files, owned if keep_others else None)
        _fsync(target.parent)
        if aside is not None:
            with contextlib.suppress(OSError):  # an entry added by hand since it was carried over: keep it
                for name in set(os.listdir(aside)) - set(os.listdir(target)):
                    if keep_others and not _replaced(name, owned):
                        os.rename(aside / name, target / name)
            shutil.rmtree(aside, ignore_errors=True)
    return [target / name for name in files]


def _top_component(name: str) -> str:
    """The first component of a relative ``/``-separated output path; refuses anything else."""
    parts = name.split("/")
    if not name or "\\" in name or any(p in {"", ".", ".."} for p in parts) or parts[0] == MARKER:
        raise OutputError(f"{name!r} is not a relative output path such as 'name' or 'sub/name'")
    return parts[0]


def _swap_in(target: Path, staging: Path, files: Mapping[str, Content], owned: set[str] | None
             ) -> Path | None:
    """Fill ``staging`` (carrying over what is not ``owned``; nothing when ``None``) and rename it to
    ``target``; returns where the old folder went (``None``: there was none).

    On any failure ``staging`` is removed and ``target`` is as it was.
    """
    aside = None
    try:
        os.chmod(staging, (target.stat().st_mode & 0o7777) if target.exists() else 0o777 & ~_umask())
        for name, data in files.items():
            try:
                (staging / name).parent.mkdir(parents=True, exist_ok=True)
                _write_file(staging / name, data)
            except OSError as exc:
                raise OutputError(f"{target / name}: cannot write the output file: {exc.strerror or exc}; "
                                  "nothing was replaced") from None
        _write_file(staging / MARKER, _MARKER_TEXT)
        if target.exists() and owned is not None:
            _carry_over(target, staging, owned)
        _fsync(staging)
        if target.exists():
            aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
            os.replace(target, aside)  # a folder may replace an empty folder
        os.rename(staging, target)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if aside is not None and not target.exists() and aside.exists():
            os.rename(aside, target)
        elif aside is not None:
            shutil.rmtree(aside, ignore_errors=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"{target}: cannot replace the output folder: {exc.strerror or exc}; nothing was "
                              "replaced") from None
        raise
    return aside


def _carry_over(old: Path, new: Path, owned: set[str]) -> None:
    """Link (or copy) into ``new`` every entry of ``old`` that is not owned by the writer."""
    for entry in os.scandir(old):
        if _replaced(entry.name, owned):
            continue
        source, destination = Path(entry.path), new / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(source), destination)
        elif entry.is_dir():
            shutil.copytree(source, destination, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(source, destination)


def _replaced(name: str, owned: set[str]) -> bool:
    """Whether an old entry goes: an owned name, or a temporary file of one left by an older version's
    single-file writer (``.<name>.XXXXXXXX.tmp``)."""
    return name in owned or (name.startswith(".") and name.endswith(".tmp")
                             and any(name.startswith(f".{o}.") for o in owned))


def _link_or_copy(source: str | Path, destination: str | Path) -> None:
    try:
        os.link(source, destination)
    except OSError:  # no hard links on this file system (or across a bind mount)
        shutil.copy2(source, destination)


def _remove_leftovers(target: Path) -> None:
    """Undo what a killed run left beside ``target`` (call under the lock)."""
    staging, old, probe = f".{target.name}.tmp-", f".{target.name}.old-", f".{target.name}.probe-"
    for name in sorted(os.listdir(target.parent)):
        path = target.parent / name
        if name.startswith(probe) and len(name) == len(probe) + 8 and path.is_dir():
            with contextlib.suppress(OSError):
                os.rmdir(path)  # empty, unless it is not ours
        elif name.startswith(staging) and len(name) == len(staging) + 8 and path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif name.startswith(old) and len(name) == len(old) + 8 and path.is_dir():
            if not os.path.lexists(target):  # killed between the two renames: the old folder is complete
                os.rename(path, target)
            else:
                shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (created if missing); concurrent writers wait their turn."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create or open the folder: {exc.strerror or exc}") from None
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory locks; runs are not serialised
            pass
        else:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def _fsync(folder: Path) -> None:
    """Flush a folder's entries to disk (so that renames survive a power failure where supported)."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)

"""Output helpers: every file is written atomically (temporary file in the same folder, then rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from indicators.errors import OutputError

__all__ = ["write_atomic"]


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` so that readers see either the old file or the complete new one.

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
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {path.parent}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": ""})) as f:
            f.write(data)
        # mkstemp creates the file owner-only; give it the permissions a plain open() would
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):  # disk full, the target is a folder…: the old file (if any) is intact
            raise OutputError(f"{path}: cannot write the output file: {exc.strerror or exc}; nothing was "
                                "replaced") from None
        raise
    return path

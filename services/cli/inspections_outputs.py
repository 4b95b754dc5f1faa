"""Where the inspection commands write (`--json OUT`, `--documents DIR`, `--out DIR`), checked before the
service is called: a plan or a re-plan stores a version and sends letters, so a path that cannot be
written must be found before that (exit code 2, "found before anything was sent"), not after the work was
done. A check leaves nothing behind: a probe file or a folder it made is removed again."""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from services.cli.common import BadInput


def _why(exc: OSError) -> str:
    if isinstance(exc, NotADirectoryError):
        return "a part of the path is not a folder"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or type(exc).__name__).lower()  # "no such file or directory" (/proc refuses so)


def check_output_file(path: str | None, flag: str) -> None:
    """BadInput naming `flag` unless `path` (None, "" or "-" for stdout: nothing to check) can be written:
    its folder exists and takes a file, and it is not a folder itself. An existing file is opened for
    appending (so not changed); a new one is made and removed."""
    if not path or path == "-":
        return
    target = Path(path)
    if target.is_dir():
        raise BadInput(f"{flag} {path}: cannot write it: is a folder, not a file")
    if not target.parent.is_dir():
        raise BadInput(f"{flag} {path}: cannot write it: the folder {target.parent} does not exist")
    existed = target.exists()
    try:
        with target.open("ab"):
            pass
    except OSError as exc:
        raise BadInput(f"{flag} {path}: cannot write it: {_why(exc)}") from None
    if not existed:
        with contextlib.suppress(OSError):
            target.unlink()


def check_output_folder(path: str | None, flag: str) -> None:
    """BadInput naming `flag` unless the folder `path` (None or "": nothing to check) exists or can be
    made, and takes files. Folders made to try are removed again (the command makes them when it writes)."""
    if not path:
        return
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise BadInput(f"{flag} {path}: not a folder")
    made = [p for p in (target, *target.parents) if not p.exists()]  # the deepest first
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"{flag} {path}: cannot make the folder: {_why(exc)}") from None
    try:
        with tempfile.TemporaryFile(dir=target):
            pass
    except OSError as exc:
        raise BadInput(f"{flag} {path}: cannot write in the folder: {_why(exc)}") from None
    finally:
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()

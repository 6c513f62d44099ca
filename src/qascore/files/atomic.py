"""Output files that appear whole or not at all: written under temporary names, renamed together.

Every file the ``qascore`` command writes goes through :class:`AtomicFiles`. Inside the
``with`` block each file is written to a hidden temporary file beside its target; when the
block ends without an error they are all renamed onto their targets (``os.replace``), and
after an error the temporary files, and any directory made for them, are removed, so no
target is left half written or written by a run that failed.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with AtomicFiles() as files:
...     files.write_text(folder / "results.json", '{"f1": 50.0}\\n')
...     (folder / "results.json").exists()  # renamed into place when the block ends
False
>>> sorted(path.name for path in folder.iterdir())
['results.json']
>>> try:
...     with AtomicFiles() as files:
...         files.write_text(folder / "results.json", "half")
...         raise ValueError("a later output failed")
... except ValueError:
...     pass
>>> (folder / "results.json").read_text()
'{"f1": 50.0}\\n'
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import IO

__all__ = ["AtomicFiles"]


class AtomicFiles:
    """Stage output files beside their targets; rename them into place when the ``with`` block succeeds.

    Text is written as UTF-8 with ``errors="backslashreplace"``: a character UTF-8 cannot
    encode (a lone surrogate such as ``"\\ud800"`` from a JSON escape) becomes its ``\\uXXXX``
    escape, which inside a JSON string reads back as the same text.
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []  # (temporary file, target), in the order opened
        self._made: list[Path] = []  # directories made for targets, parents first

    def __enter__(self) -> "AtomicFiles":
        return self

    def __exit__(self, error_type, *_) -> None:
        try:
            if error_type is None:
                self._commit()
        finally:
            self._discard()

    def open(self, target: str | os.PathLike, *, binary: bool = False) -> IO:
        """A new temporary file for ``target`` (missing parent directories are made), open for writing."""
        target = Path(os.path.realpath(target))  # through a symlink: replace the file it names, keep the link
        if target.exists() and not target.is_file():
            raise OSError(f"{target}: exists and is not a regular file; give a file path")
        self._make_directories(target.parent)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        self._staged.append((Path(temporary), target))
        if binary:
            return os.fdopen(descriptor, "wb")
        return os.fdopen(descriptor, "w", encoding="utf-8", errors="backslashreplace", newline="\n")

    def write_text(self, target: str | os.PathLike, text: str) -> None:
        with self.open(target) as handle:
            handle.write(text)

    def _make_directories(self, directory: Path) -> None:
        missing = []
        while not directory.exists():
            missing.append(directory)
            directory = directory.parent
        for path in reversed(missing):
            path.mkdir()
            self._made.append(path)

    def _commit(self) -> None:
        umask = os.umask(0)
        os.umask(umask)
        while self._staged:
            temporary, target = self._staged[0]
            # mkstemp makes the file 0600; give it the mode open() would (the target's, if it exists).
            mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o666 & ~umask
            os.chmod(temporary, mode)
            os.replace(temporary, target)
            self._staged.pop(0)
        self._made.clear()

    def _discard(self) -> None:
        for temporary, _ in self._staged:
            temporary.unlink(missing_ok=True)
        self._staged.clear()
        for directory in reversed(self._made):
            try:
                directory.rmdir()
            except OSError:  # not empty: a file was renamed into it before a later rename failed
                pass
        self._made.clear()

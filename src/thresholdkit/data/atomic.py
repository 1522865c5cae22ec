"""Output files that are never half-written and never replace what they should not.

- ``-`` is standard output.
- A target that exists and is not a regular file (``/dev/null``, a FIFO, a terminal) is written
  in place, never replaced.
- A folder is refused with a one-line error, and so is a path in a folder that does not exist.
- A regular file (or a new one) is written to an unnamed temporary file in the same folder
  (Linux ``O_TMPFILE``; elsewhere a named one), which gets its name only when the output is
  complete: then it replaces the target in one step. A killed run leaves no named file of
  partial output. The replacement keeps the old file's mode; a new file gets the user's umask.
  A symbolic link is followed: the file it points to is replaced, the link kept.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from typing import IO, TypeVar

from thresholdkit.model.environment import stdout
from thresholdkit.model.errors import UsageError

T = TypeVar("T")


def _umask_mode() -> int:
    return 0o666 & ~_umask_bits()


class SafeOutput:
    """One output destination. ``open()`` it, write, then ``commit()`` or ``discard()``."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.kind = "stdout" if path == "-" else "file"
        self.target = path
        self._handle: IO[bytes] | None = None
        self._tmp: str | None = None
        self._fd_path: str | None = None
        if path == "-":
            return
        if not path.strip():
            raise UsageError("the output path is empty; give a file name, or '-' for standard output")
        try:
            st = os.stat(path)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise UsageError(f"cannot write '{path}': {exc.strerror}") from None
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise UsageError(f"'{path}' is a folder; give a file name, such as {os.path.join(path, 'output')}")
        if st is not None and not stat.S_ISREG(st.st_mode):
            self.kind = "inplace"  # a device or a pipe: write to it, never replace it
            return
        self.target = os.path.realpath(path)
        folder = os.path.dirname(self.target)
        if not os.path.isdir(folder):
            raise UsageError(f"cannot write '{path}': the folder '{os.path.dirname(path) or '.'}' does not exist")
        self.mode = stat.S_IMODE(st.st_mode) if st is not None else _umask_mode()

    def open(self) -> IO[bytes]:
        """The binary handle to write to."""
        if self.kind == "stdout":
            self._handle = stdout().buffer
        elif self.kind == "inplace":
            try:
                self._handle = open(self.path, "wb")  # noqa: SIM115 - closed in commit/discard
            except OSError as exc:
                raise UsageError(f"cannot write '{self.path}': {exc.strerror}") from None
        else:
            self._handle = self._open_temporary()
        return self._handle

    def _open_temporary(self) -> IO[bytes]:
        folder = os.path.dirname(self.target)
        flag = getattr(os, "O_TMPFILE", 0)
        try:
            if flag:
                try:
                    fd = os.open(folder, flag | os.O_WRONLY, 0o600)
                    self._fd_path = f"/proc/self/fd/{fd}"
                except OSError:
                    fd = -1
            else:
                fd = -1
            if fd < 0:
                import tempfile

                fd, self._tmp = tempfile.mkstemp(prefix=".thresholdkit-", suffix=".tmp", dir=folder)
            os.fchmod(fd, self.mode)
        except OSError as exc:
            raise UsageError(f"cannot write '{self.path}': {exc.strerror}") from None
        return os.fdopen(fd, "wb")

    def commit(self) -> None:
        """Make the output the target's content (in one step for a regular file)."""
        handle = self._handle
        if handle is None:
            return
        handle.flush()
        if self.kind == "stdout":
            return
        if self.kind == "inplace":
            handle.close()
            return
        try:
            os.fsync(handle.fileno())
            if self._fd_path is not None:
                self._tmp = self._link_unnamed()
            handle.close()
            assert self._tmp is not None
            os.replace(self._tmp, self.target)
        except OSError as exc:
            self.discard()
            raise UsageError(f"cannot write '{self.path}': {exc.strerror or exc}") from None
        self._tmp = None

    def _link_unnamed(self) -> str:
        """Give the unnamed file a (hidden, random) name in the target's folder."""
        import secrets

        assert self._fd_path is not None
        folder = os.path.dirname(self.target)
        dfd = os.open(folder, os.O_RDONLY)
        try:
            while True:
                name = f".thresholdkit-{secrets.token_hex(6)}.tmp"
                try:
                    # with a directory fd, Python calls linkat(..., AT_SYMLINK_FOLLOW), which links
                    # the file behind /proc/self/fd/N rather than the magic link itself
                    os.link(self._fd_path, name, src_dir_fd=dfd, dst_dir_fd=dfd, follow_symlinks=True)
                    return os.path.join(folder, name)
                except FileExistsError:
                    continue
        finally:
            os.close(dfd)

    def discard(self) -> None:
        """Drop the output: the target is left as it was."""
        handle, self._handle = self._handle, None
        if handle is None or self.kind == "stdout":
            return
        with contextlib.suppress(OSError):
            handle.close()
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = None


def write_bytes(path: str, data: bytes, out: SafeOutput | None = None) -> None:
    """Write ``data`` to ``path`` safely (see the module's rules); '-' is stdout. ``out`` is the
    :class:`SafeOutput` for ``path`` when the caller made it first (to refuse a bad path early)."""
    out = out or SafeOutput(path)
    handle = out.open()
    try:
        handle.write(data)
        handle.flush()
        out.commit()
    except OSError as exc:  # a full disk, a read-only file system
        out.discard()
        raise UsageError(f"cannot write '{path}': {exc.strerror or exc}; nothing was written") from None
    except BaseException:
        out.discard()
        raise


def write_text(path: str, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` safely (see the module's rules); '-' is stdout."""
    write_bytes(path, text.encode("utf-8"))


def publish_folder(target: str, fill: Callable[[str], T], marker: str) -> T:
    """Build a folder with ``fill(path)`` in a temporary folder beside ``target``, then move it
    into place, so that a failure (a full disk, an interrupt) leaves the old folder as it was.

    ``target`` may be new, empty, or a folder that this same kind of build made before (it holds
    the file ``marker``, which lists the files written); anything else is refused, so that no
    one's own folder is ever replaced, and so is a folder that holds a file the build did not
    write (a user's own notes put in it would be deleted with it). The new folder holds only
    files written by ``fill``: symbolic links in the old one are removed with it, never followed.
    """
    import shutil
    import tempfile

    path = os.path.abspath(target)
    if os.path.islink(path):
        path = os.path.realpath(path)
    if os.path.lexists(path):
        if not os.path.isdir(path):
            raise UsageError(f"'{target}' exists and is not a folder; choose a new folder")
        if os.listdir(path) and not os.path.isfile(os.path.join(path, marker)):
            raise UsageError(
                f"'{target}' is not empty and was not written by thresholdkit; choose a new or empty folder"
            )
        foreign = _not_written(path, marker)
        if foreign:
            more = f" and {len(foreign) - 3} more" if len(foreign) > 3 else ""
            raise UsageError(
                f"'{target}' holds files thresholdkit did not write ({', '.join(foreign[:3])}{more}), which "
                "writing it again would delete; move them, or choose a new folder"
            )
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        raise UsageError(f"cannot write '{target}': the folder '{os.path.dirname(target) or '.'}' does not exist")
    try:
        work = tempfile.mkdtemp(prefix=".thresholdkit-build-", dir=parent)
    except OSError as exc:
        raise UsageError(f"cannot write '{target}': {exc.strerror}") from None
    old: str | None = None
    try:
        result = fill(work)
        written = _files_in(work)
        with open(os.path.join(work, marker), "w", encoding="utf-8") as fh:
            fh.write("Written by thresholdkit; the whole folder is replaced when it is written again.\n")
            fh.write(_FILES_HEAD + "".join(f"{name}\n" for name in written))
        os.chmod(work, 0o777 & ~_umask_bits())
        if os.path.lexists(path):
            old = tempfile.mkdtemp(prefix=".thresholdkit-old-", dir=parent)
            os.rename(path, os.path.join(old, "previous"))
        os.rename(work, path)
    except OSError as exc:
        if old is not None and not os.path.lexists(path):
            with contextlib.suppress(OSError):
                os.rename(os.path.join(old, "previous"), path)  # put the old folder back
        shutil.rmtree(work, ignore_errors=True)
        raise UsageError(f"cannot write '{target}': {exc.strerror or exc}; the old folder is unchanged") from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return result


#: The line of a folder's marker after which it lists the files written (paths with '/').
_FILES_HEAD = "Files:\n"


def _files_in(folder: str) -> list[str]:
    """Every file and symbolic link under ``folder`` (links never followed), as sorted relative
    paths with '/'."""
    found = []
    for here, dirs, files in os.walk(folder):
        rel = os.path.relpath(here, folder)
        for name in files + [d for d in dirs if os.path.islink(os.path.join(here, d))]:
            found.append(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
    return sorted(found)


def _not_written(folder: str, marker: str) -> list[str]:
    """Files in a folder a build wrote before that its marker does not list. A marker from before
    markers listed their files lists none, and then nothing is held against the folder."""
    try:
        with open(os.path.join(folder, marker), encoding="utf-8") as fh:
            text = fh.read(1 << 22)
    except (OSError, UnicodeDecodeError):
        return []
    _, found, listing = text.partition(_FILES_HEAD)
    if not found:
        return []
    listed = set(listing.splitlines())
    return [name for name in _files_in(folder) if name != marker and name not in listed]


def _umask_bits() -> int:
    old = os.umask(0o022)
    os.umask(old)
    return old

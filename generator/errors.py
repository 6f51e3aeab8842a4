"""One small exception tree. Every error knows where, what, and how to fix it."""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable
from pathlib import Path


class MarginaliaError(Exception):
    """Base of every error the CLI turns into a message and an exit code."""

    def __init__(
        self,
        what: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        fix: str | None = None,
    ) -> None:
        self.what = what
        self.path = Path(path) if path is not None else None
        self.line = line
        self.fix = fix
        super().__init__(self.message())

    def __reduce__(self) -> tuple[object, ...]:
        # Errors travel back from worker processes; keep where, what and fix.
        return (_restore, (type(self), dict(self.__dict__)))

    def where(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def message(self) -> str:
        where = self.where()
        text = f"{where}: {self.what}" if where else self.what
        if self.fix:
            text += f"\n  fix: {self.fix}"
        return text


class ConfigError(MarginaliaError):
    """The site settings are wrong."""


class ContentError(MarginaliaError):
    """An article, the actor registry or another content file is wrong."""


class SourceChanged(ContentError):
    """A content file changed while a build was reading it: the next build will see it."""


class SeedError(MarginaliaError):
    """A raw seed cannot be parsed into an article."""


class TemplateError(MarginaliaError):
    """A template is missing or broken."""


class DeployError(MarginaliaError):
    """The built site cannot be published to its branch or pushed."""


class OutputError(MarginaliaError):
    """The output folder cannot be used or written: not ours, protected, full, denied."""


class BuildLocked(MarginaliaError):
    """Another build of the project holds the lock, and this one did not wait for it."""


class ProjectError(MarginaliaError):
    """The project folder is missing, or is not a Marginalia project."""


class ServeError(MarginaliaError):
    """The development server cannot listen on its address: in use, denied, unknown."""


class FileAccessError(MarginaliaError):
    """A file or folder could not be read or written: denied, full disk, vanished."""


class BuildErrors(MarginaliaError):
    """Several content errors found in one pass, reported together."""

    def __init__(self, errors: list[MarginaliaError] | tuple[MarginaliaError, ...]) -> None:
        self.errors = tuple(errors)
        count = len(self.errors)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in the content")

    def message(self) -> str:
        return "\n".join(error.message() for error in self.errors)


def _restore(kind: type[MarginaliaError], state: dict[str, object]) -> MarginaliaError:
    error = kind.__new__(kind)
    error.__dict__.update(state)
    Exception.__init__(error, error.message())
    return error


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like a mistyped word, if any is close."""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a mistyped word, or nothing."""
    match = closest(word, choices)
    return f" (did you mean '{match}'?)" if match else ""


# What to do about the system errors a user can meet; others get a general fix.
_OS_FIXES = {
    errno.ENOSPC: "free some disk space, then run it again",
    errno.EDQUOT: "free some space within your disk quota, then run it again",
    errno.EACCES: "check the permissions of the file and its folder, or run as a user who "
    "may use them",
    errno.EPERM: "check the permissions of the file and its folder, or run as a user who "
    "may use them",
    errno.EROFS: "the file system is read-only: use a folder you can write to",
    errno.ENOENT: "the file was moved or deleted while it was in use: check it, then run it again",
    errno.ENOTDIR: "a folder in the path is a file: check the path",
    errno.EISDIR: "the path is a folder, not a file: check the path",
    errno.ENAMETOOLONG: "use a shorter file name",
    errno.EMFILE: "too many files are open: close other programs, then run it again",
}


def file_error(error: OSError) -> FileAccessError:
    """An OSError as one message: the file, what happened in words, and a fix."""
    what = error.strerror or str(error) or "the file could not be used"
    what = what[:1].lower() + what[1:]
    if error.filename2 is not None:
        what += f" (with {error.filename2})"
    return FileAccessError(
        what,
        path=error.filename if isinstance(error.filename, str | Path) else None,
        fix=_OS_FIXES.get(error.errno or 0, "check the file and its folder, then run it again"),
    )

"""A problem found in a package, reported as `file:line: message`.

Errors stop an import. Warnings (`warning=True`) do not: the package is imported and the
author is told what learners will see differently (an image from another site shown as a link,
an anchor that opens the top of the lesson); they print as `file:line: peringatan: message`.
"""

from dataclasses import dataclass

from . import messages as M


@dataclass(frozen=True)
class Problem:
    file: str  # package-relative path ("01-dasar/02-surel.md"); "" for the package itself
    line: int | None
    message: str
    warning: bool = False

    def __str__(self):
        message = f"{M.WARNING}: {self.message}" if self.warning else self.message
        if not self.file:  # the package as a whole
            return message
        if self.line:
            return f"{self.file}:{self.line}: {message}"
        return f"{self.file}: {message}"

    def with_prefix(self, prefix):
        """The same problem with the package's own path in front (for the command line)."""
        if not prefix:
            return self
        if not self.file:
            return Problem(prefix, self.line, self.message, self.warning)
        return Problem(f"{prefix.rstrip('/')}/{self.file}", self.line, self.message, self.warning)

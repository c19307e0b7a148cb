"""A problem found in a package, reported as `file:line: message`."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str  # package-relative path ("01-dasar/02-surel.md"); "" for the package itself
    line: int | None
    message: str

    def __str__(self):
        if not self.file:  # the package as a whole
            return self.message
        if self.line:
            return f"{self.file}:{self.line}: {self.message}"
        return f"{self.file}: {self.message}"

    def with_prefix(self, prefix):
        """The same problem with the package's own path in front (for the command line)."""
        if not prefix:
            return self
        if not self.file:
            return Problem(prefix, self.line, self.message)
        return Problem(f"{prefix.rstrip('/')}/{self.file}", self.line, self.message)

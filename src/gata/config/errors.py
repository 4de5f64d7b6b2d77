"""Configuration errors that name the file, the tenant and the path of what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConfigIssue:
    file: str
    path: str
    message: str
    tenant: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.tenant:
            where += f": tenant '{self.tenant}'"
        if self.path:
            where += f": {self.path}"
        return f"{where}: {self.message}"


class ConfigError(ValueError):
    """Raised when a configuration file is invalid; carries every issue found, not just the first."""

    def __init__(self, issues: list[ConfigIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))

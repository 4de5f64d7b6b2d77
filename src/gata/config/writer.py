"""Adding a tenant to the tenants file (the onboarding wizard's write to configuration), and removing one
(offboarding's).

The file stays the one source of truth every stage reads, so a tenant added in the browser is synced,
replayed and scheduled like one written by hand. The new entry is validated by the same loader, in the
context of the whole file (duplicate slugs, id namespaces), before the file is replaced atomically; the
existing text, comments included, is kept and the entry appended after it.
"""

from __future__ import annotations

import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from gata.config.budget import history_problem
from gata.config.catalog import Catalog
from gata.config.errors import ConfigError, ConfigIssue
from gata.config.loader import load_tenants
from gata.config.tenants import Tenant


class TenantExistsError(ValueError):
    pass


def add_tenant(path: Path, raw: dict[str, Any], catalog: Catalog, days: int | None = None) -> Tenant:
    """Append `raw` (a tenant as tenants.yaml spells it) to the file; ConfigError names each issue, and
    nothing is written unless the whole file with the new tenant validates (and, given `days`, that much
    history is within the resource bound)."""
    path = Path(path)
    with _one_writer(path):
        return _add(path, raw, catalog, days)


@contextmanager
def _one_writer(path: Path) -> Iterator[None]:
    """One writer of the file at a time, across processes (a lock on its folder)."""
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)


def remove_tenant(path: Path, slug: str) -> bool:
    """Take `slug`'s entry out of the file (the rest, comments included, kept where the layout allows);
    False when the file has no such tenant."""
    path = Path(path)
    with _one_writer(path):
        text = path.read_text(encoding="utf-8")
        doc = yaml.safe_load(text) or {}
        existing = doc.get("tenants") or []
        kept = [t for t in existing if not (isinstance(t, dict) and t.get("slug") == slug)]
        if len(kept) == len(existing):
            return False
        _replace(path, _without(text, {**doc, "tenants": kept}))
        return True


def _without(text: str, wanted: dict) -> str:
    """The file's text with one tenant's list item cut out, when that leaves exactly the `wanted` document;
    a re-dump of it otherwise."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if re.match(r"^ *- ", line)]
    if starts:
        indent = min(len(lines[i]) - len(lines[i].lstrip(" ")) for i in starts)
        items = [i for i in starts if len(lines[i]) - len(lines[i].lstrip(" ")) == indent]
        for n, start in enumerate(items):
            end = items[n + 1] if n + 1 < len(items) else len(lines)
            candidate = "".join(lines[:start] + lines[end:])
            if (yaml.safe_load(candidate) or {}) == wanted:
                return candidate
    return yaml.safe_dump(wanted, sort_keys=False, allow_unicode=True, width=120)


def _replace(path: Path, text: str) -> None:
    """Write `text` next to the file and rename it over (a reader sees the old file or the new, never half)."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp_name, path.stat().st_mode & 0o777)
        os.replace(tmp_name, path)
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def _add(path: Path, raw: dict[str, Any], catalog: Catalog, days: int | None) -> Tenant:
    text = path.read_text(encoding="utf-8")
    existing = (yaml.safe_load(text) or {}).get("tenants") or []
    slug = raw.get("slug")
    if any(isinstance(t, dict) and t.get("slug") == slug for t in existing):
        raise TenantExistsError(f"tenant '{slug}' already exists in {path}; choose another slug")
    new_text = _appended(text, raw, existing)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new_text)
        tenants, issues = load_tenants(tmp, catalog, strict=False)
        where = f"tenants[{len(existing)}]"
        own = [
            ConfigIssue(str(path), i.path, i.message, slug if isinstance(slug, str) else where)
            for i in issues
            if i.tenant in (slug, where)
        ]
        added = next((t for t in tenants if t.slug == slug), None)
        if own or added is None:
            raise ConfigError(own or [ConfigIssue(str(path), "", "the tenant was not accepted", where)])
        if days is not None and (problem := history_problem(added, days)):
            raise ConfigError([ConfigIssue(str(path), "days", problem, added.slug)])
        os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
        return added
    finally:
        tmp.unlink(missing_ok=True)


def _appended(text: str, raw: dict[str, Any], existing: list) -> str:
    """The file's text with the tenant added at the end of its list; a full re-dump (comments lost) only when
    the list's layout cannot be extended in place."""
    items = re.findall(r"^( *)- ", text, flags=re.MULTILINE)
    if existing and items and text.rstrip().splitlines()[-1].startswith((" ", "-")):
        indent = min(items, key=len)  # the tenants list's own items are the least indented
        block = yaml.safe_dump([raw], sort_keys=False, allow_unicode=True, width=120)
        entry = "".join(f"{indent}{line}\n" if line else "\n" for line in block.splitlines())
        candidate = text.rstrip("\n") + "\n\n" + entry
        if (yaml.safe_load(candidate) or {}).get("tenants") == [*existing, raw]:
            return candidate
    return yaml.safe_dump({"tenants": [*existing, raw]}, sort_keys=False, allow_unicode=True, width=120)

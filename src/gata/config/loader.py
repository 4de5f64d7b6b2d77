"""Reads and validates `supported_connectors.yaml` and `tenants.yaml`, collecting every issue at once.

Validation is pure: it reads the files and returns objects or raises `ConfigError`; it never writes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from croniter import CroniterBadCronError, CroniterBadDateError, croniter
from pydantic import BaseModel, ValidationError

from gata.config.budget import daily_problems
from gata.config.catalog import Catalog, Connector, Domain
from gata.config.errors import ConfigError, ConfigIssue
from gata.config.tenants import (
    GENERATION_BY_DOMAIN,
    LOGIC_BY_DOMAIN,
    META_CONNECTORS,
    SLUG_PATTERN,
    GataConfig,
    LiveOptions,
    SourceConfig,
    Tenant,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CATALOG = REPO_ROOT / "supported_connectors.yaml"
DEFAULT_TENANTS = REPO_ROOT / "tenants.yaml"

# Jinja's delimiters: no configuration value may contain one (values must never be read as template code)
TEMPLATE_DELIMITERS = ("{{", "}}", "{%", "%}", "{#", "#}")
TENANT_KEYS = ("slug", "name", "reporting_currency", "seed", "id_namespace", "schedule", "sources")
SOURCE_KEYS = ("enabled", "mode", "accounts", "options", "generation", "logic")
MODES = ("simulated", "live")
ACCOUNT_ID = r"^\d{1,20}$"
# what an account is where it is not a number: (pattern, what the error names)
ACCOUNT_IDS = {
    "shopify": (r"^[a-z0-9][a-z0-9-]{0,62}$", "the shop's myshopify.com subdomain"),
    "bigcommerce": (r"^[a-z0-9]{1,20}$", "store hashes"),
    "woocommerce": (r"^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?(?::\d{1,5})?$", "the sites' host names"),
    "google_analytics": (
        r"^[a-z][a-z0-9-]{4,28}[a-z0-9]\.analytics_\d{1,20}$",
        "BigQuery datasets, project.analytics_<property id>",
    ),
}


def _read_yaml(path: Path) -> Any:
    name = str(path)
    if not path.exists():
        raise ConfigError([ConfigIssue(name, "", "file not found")])
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError([ConfigIssue(name, where, f"not valid YAML: {getattr(exc, 'problem', exc)}")]) from exc


def _join(*parts: object) -> str:
    return ".".join(str(p) for p in parts if p != "")


def _issues_from(exc: ValidationError, model: type[BaseModel], file: str, prefix: str, tenant: str | None):
    issues = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        path = _join(prefix, *loc)
        if err["type"] == "extra_forbidden":
            container: type[BaseModel] | None = model
            for part in loc[:-1]:
                field = container.model_fields.get(part) if container else None
                ann = field.annotation if field else None
                container = ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None
            allowed = ", ".join(container.model_fields) if container else "(none)"
            msg = f"unknown key '{loc[-1]}'; allowed keys: {allowed}"
        elif err["type"] == "missing":
            msg = "required key is missing"
        else:
            msg = f"{err['msg']} (got {err.get('input')!r})"
        issues.append(ConfigIssue(file, path, msg, tenant))
    return issues


def load_catalog(path: Path | str = DEFAULT_CATALOG) -> Catalog:
    path = Path(path)
    raw = _read_yaml(path)
    file = str(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("connectors"), dict):
        raise ConfigError([ConfigIssue(file, "connectors", "expected a mapping 'connectors: {id: {...}}'")])
    issues: list[ConfigIssue] = []
    connectors: dict[str, Connector] = {}
    for cid, body in raw["connectors"].items():
        if not isinstance(body, dict):
            issues.append(ConfigIssue(file, f"connectors.{cid}", "expected a mapping"))
            continue
        try:
            connectors[cid] = Connector.model_validate({"id": cid, **body})
        except ValidationError as exc:
            issues += _issues_from(exc, Connector, file, f"connectors.{cid}", None)
    if issues:
        raise ConfigError(issues)
    return Catalog(connectors=connectors)


def _validate_source(
    cid: str, body: Any, catalog: Catalog, file: str, slug: str | None, prefix: str
) -> tuple[SourceConfig | None, list[ConfigIssue]]:
    if cid not in catalog.connectors:
        allowed = ", ".join(catalog.ids())
        return None, [ConfigIssue(file, prefix, f"unknown connector '{cid}'; allowed connectors: {allowed}", slug)]
    body = {} if body is None else body
    if isinstance(body, bool):
        body = {"enabled": body}
    if not isinstance(body, dict):
        return None, [ConfigIssue(file, prefix, f"expected a mapping of {', '.join(SOURCE_KEYS)} (got {body!r})", slug)]
    issues: list[ConfigIssue] = []
    for key in body:
        if key not in SOURCE_KEYS:
            issues.append(
                ConfigIssue(
                    file, _join(prefix, key), f"unknown key '{key}'; allowed keys: {', '.join(SOURCE_KEYS)}", slug
                )
            )
    domain: Domain = catalog[cid].domain
    parts: dict[str, Any] = {}
    for part, models in (("generation", GENERATION_BY_DOMAIN), ("logic", LOGIC_BY_DOMAIN)):
        model = models[domain]
        value = body.get(part) or {}
        if not isinstance(value, dict):
            issues.append(ConfigIssue(file, _join(prefix, part), f"expected a mapping (got {value!r})", slug))
            continue
        try:
            parts[part] = model.model_validate(value)
        except ValidationError as exc:
            issues += _issues_from(exc, model, file, _join(prefix, part), slug)
    logic = parts.get("logic")
    if logic is not None and getattr(logic, "conversion_action_types", None) is not None and cid not in META_CONNECTORS:
        issues.append(
            ConfigIssue(
                file,
                _join(prefix, "logic", "conversion_action_types"),
                f"only applies to {', '.join(META_CONNECTORS)}, not '{cid}'",
                slug,
            )
        )
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        issues.append(ConfigIssue(file, _join(prefix, "enabled"), f"expected true or false (got {enabled!r})", slug))
    live, live_issues = _validate_live(cid, body, catalog[cid], file, slug, prefix)
    issues += live_issues
    if issues:
        return None, issues
    return SourceConfig(connector=cid, domain=domain, enabled=enabled, **live, **parts), []


def _validate_live(
    cid: str, body: dict, connector: Connector, file: str, slug: str | None, prefix: str
) -> tuple[dict[str, Any], list[ConfigIssue]]:
    """mode, accounts and options: a live source names its accounts; a simulated one has none to name."""
    mode = body.get("mode", "simulated")
    accounts = body.get("accounts", [])
    issues: list[ConfigIssue] = []

    def issue(key: str, message: str) -> None:
        issues.append(ConfigIssue(file, _join(prefix, key), message, slug))

    if mode not in MODES:
        issue("mode", f"expected one of {', '.join(MODES)} (got {mode!r})")
        return {}, issues
    if mode == "live" and not connector.live:
        issue("mode", f"'{cid}' has no live client yet; use mode: simulated")
    if not isinstance(accounts, list) or any(not isinstance(a, str | int) for a in accounts):
        issue("accounts", f"expected a list of account ids (got {accounts!r})")
        accounts = []
    accounts = [str(a) for a in accounts]
    pattern, what = ACCOUNT_IDS.get(cid, (ACCOUNT_ID, "digits only"))
    bad = [a for a in accounts if not re.fullmatch(pattern, a)]
    if bad:
        issue("accounts", f"account ids are {what} (got {bad!r})")
    if len(set(accounts)) != len(accounts):
        issue("accounts", "an account id is listed twice")
    if mode == "live" and not accounts:
        issue("accounts", "mode: live needs at least one account id")
    if mode == "simulated" and (accounts or body.get("options")):
        issue("accounts" if accounts else "options", "only applies with mode: live")
    raw_options = body.get("options") or {}
    options = LiveOptions()
    if not isinstance(raw_options, dict):
        issue("options", f"expected a mapping (got {raw_options!r})")
    else:
        try:
            options = LiveOptions.model_validate(raw_options)
        except ValidationError as exc:
            issues += _issues_from(exc, LiveOptions, file, _join(prefix, "options"), slug)
    if options.login_customer_id is not None and cid != "google_ads":
        issue("options.login_customer_id", f"only applies to google_ads, not '{cid}'")
    return {"mode": mode, "accounts": accounts, "options": options}, issues


def _template_paths(value: Any, path: str) -> list[str]:
    """Paths of the strings (keys included) in `value` that hold a template delimiter."""
    if isinstance(value, str):
        return [path] if any(d in value for d in TEMPLATE_DELIMITERS) else []
    if isinstance(value, dict):
        found = []
        for k, v in value.items():
            child = _join(path, k)
            found += _template_paths(str(k), child) + _template_paths(v, child)
        return sorted(set(found))
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _template_paths(v, f"{path}[{i}]")]
    return []


def schedule_problem(schedule: str) -> str | None:
    """Why a cron expression cannot be a schedule: not five fields, not valid, or never firing."""
    if not croniter.is_valid(schedule):
        return f"not a valid cron expression (got {schedule!r})"
    if len(schedule.split()) != 5:
        return (
            f"expected a cron expression of 5 fields (minute hour day-of-month month day-of-week, UTC), "
            f"got {len(schedule.split())} fields in {schedule!r}"
        )
    try:
        croniter(schedule).get_next()
    except (CroniterBadDateError, CroniterBadCronError):
        return f"the cron expression {schedule!r} never fires (no such date): choose one that does"
    return None


def _validate_tenant(raw: Any, index: int, catalog: Catalog, file: str) -> tuple[Tenant | None, list[ConfigIssue]]:
    where = f"tenants[{index}]"
    if not isinstance(raw, dict):
        return None, [ConfigIssue(file, where, f"expected a mapping (got {raw!r})")]
    raw_slug = raw.get("slug")
    slug = raw_slug if isinstance(raw_slug, str) and re.fullmatch(SLUG_PATTERN, raw_slug) else None
    issues: list[ConfigIssue] = []
    for key in raw:
        if key not in TENANT_KEYS:
            issues.append(
                ConfigIssue(file, key, f"unknown key '{key}'; allowed keys: {', '.join(TENANT_KEYS)}", slug or where)
            )
    sources_raw = raw.get("sources")
    sources: dict[str, SourceConfig] = {}
    if not isinstance(sources_raw, dict) or not sources_raw:
        issues.append(
            ConfigIssue(
                file, "sources", "expected a mapping of at least one connector id to its settings", slug or where
            )
        )
    else:
        for cid, body in sources_raw.items():
            src, errs = _validate_source(str(cid), body, catalog, file, slug or where, f"sources.{cid}")
            issues += errs
            if src:
                sources[str(cid)] = src
        if not issues and not any(s.enabled for s in sources.values()):
            issues.append(ConfigIssue(file, "sources", "at least one source must be enabled", slug or where))
    for path in _template_paths({k: v for k, v in raw.items() if k in TENANT_KEYS}, ""):
        issues.append(
            ConfigIssue(
                file,
                path,
                f"contains a template delimiter (one of {' '.join(TEMPLATE_DELIMITERS)}): not allowed in configuration "
                "values",
                slug or where,
            )
        )
    schedule = raw.get("schedule")
    if isinstance(schedule, str) and (problem := schedule_problem(schedule)):
        issues.append(ConfigIssue(file, "schedule", problem, slug or where))
    fields = {k: v for k, v in raw.items() if k in TENANT_KEYS and k != "sources"}
    try:
        tenant = Tenant.model_validate({**fields, "sources": {}})
    except ValidationError as exc:
        for issue in _issues_from(exc, Tenant, file, "", slug or where):
            if issue.path == "slug" and "pattern" in issue.message:
                issue = ConfigIssue(
                    file,
                    "slug",
                    f"invalid slug {raw.get('slug')!r}: must match {SLUG_PATTERN} "
                    "(lower-case letter first, then 2-62 lower-case letters, digits or underscores)",
                    where,
                )
            issues.append(issue)
        return None, issues
    if issues:
        return None, issues
    tenant = tenant.model_copy(update={"sources": sources})
    budget = [ConfigIssue(file, path, message, tenant.slug) for path, message in daily_problems(tenant)]
    return (None, budget) if budget else (tenant, [])


def load_tenants(path: Path | str, catalog: Catalog, strict: bool = True) -> tuple[list[Tenant], list[ConfigIssue]]:
    """Valid tenants and the issues found. Strict: any issue raises. Otherwise tenants with issues are left
    out (and their issues returned), so one broken tenant cannot stop the others."""
    path = Path(path)
    file = str(path)
    raw = _read_yaml(path)
    if not isinstance(raw, dict) or "tenants" not in raw:
        raise ConfigError([ConfigIssue(file, "tenants", "expected a top-level key 'tenants' with a list of tenants")])
    extra = [k for k in raw if k != "tenants"]
    issues = [ConfigIssue(file, k, f"unknown key '{k}'; allowed keys: tenants") for k in extra]
    items = raw["tenants"]
    if not isinstance(items, list):
        raise ConfigError(issues + [ConfigIssue(file, "tenants", f"expected a list of tenants (got {items!r})")])
    if issues and strict:
        raise ConfigError(issues)
    candidates: list[Tenant] = []
    for i, item in enumerate(items):
        tenant, errs = _validate_tenant(item, i, catalog, file)
        issues += errs
        if tenant:
            candidates.append(tenant)
    tenants: list[Tenant] = []
    seen: set[str] = set()
    namespaces: dict[int, str] = {}
    for t in candidates:
        if t.slug in seen:
            issues.append(ConfigIssue(file, "slug", "duplicate slug: each tenant needs its own", t.slug))
            continue
        seen.add(t.slug)
        other = namespaces.get(t.namespace)
        if other and other != t.slug:
            issues.append(
                ConfigIssue(
                    file,
                    "id_namespace",
                    f"id namespace {t.namespace} is also used by tenant '{other}': set a distinct id_namespace "
                    "(10000-99999) so generated ids never collide",
                    t.slug,
                )
            )
            continue
        namespaces[t.namespace] = t.slug
        tenants.append(t)
    # a slug given twice is ambiguous: neither configuration is used (lenient loading leaves both out)
    duplicated = {i.tenant for i in issues if i.message.startswith("duplicate slug")}
    tenants = [t for t in tenants if t.slug not in duplicated]
    if issues and strict:
        raise ConfigError(issues)
    return tenants, issues


def load_config(
    tenants_path: Path | str | None = None, catalog_path: Path | str | None = None, strict: bool = True
) -> GataConfig:
    """The validated configuration. With strict=False, tenants with issues are left out and their issues
    kept in `GataConfig.issues` (asking for such a tenant raises them)."""
    catalog = load_catalog(catalog_path or DEFAULT_CATALOG)
    tenants_path = Path(tenants_path or DEFAULT_TENANTS)
    tenants, issues = load_tenants(tenants_path, catalog, strict=strict)
    return GataConfig(catalog=catalog, tenants=tenants, tenants_file=str(tenants_path), issues=issues)

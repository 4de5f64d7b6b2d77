// The onboarding wizard: the catalog and every lever come from GET /onboarding/catalog (derived from the
// models that validate tenants.yaml); a source with a live client can be connected (connect.js); submit posts
// the tenant to /onboarding/jobs and opens the job's page.
import { request } from "./api.js";
import { connectionGroup } from "./connect.js";
import { el } from "./dom.js";
import { initSchedule, revealCron } from "./schedule-picker.js";
import { fillTable } from "./table.js";
import { watchScrollers } from "./scroll-cue.js";

watchScrollers();

const form = document.getElementById("wizard");
const errors = document.getElementById("wizard-errors");
const statusText = document.getElementById("wizard-status");
const settings = document.getElementById("source-settings");
const noSources = document.getElementById("no-sources");
const field = (id) => document.getElementById(id);
const connectors = new Map(); // id -> connector description
let catalog = null;
let live = {}; // connector id -> what connecting it takes (GET /onboarding/connections/sources)
let slugEdited = false;

export function slugify(name) {
  let slug = name.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  if (slug && !/^[a-z]/.test(slug)) slug = `t_${slug}`;
  return slug.slice(0, 63);
}

// --- the form's inputs, built from field descriptions ------------------------------------------------------

function input(name, f) {
  const id = name.replaceAll(".", "-");
  const hint = f.description ? el("span", { className: "hint", id: `${id}-hint`, text: f.description }) : "";
  const described = f.description ? `${id}-hint` : undefined;
  if (f.kind === "multichoice") {
    const set = el("fieldset", { className: "choices", "data-name": name, "aria-describedby": described },
      el("legend", { text: f.label }));
    for (const option of f.options) {
      set.append(el("label", { className: "check" },
        el("input", { type: "checkbox", name, value: option, checked: f.default.includes(option) }), option));
    }
    set.append(hint);
    return set;
  }
  let control;
  if (f.kind === "choice") {
    control = el("select", { name, id });
    for (const option of f.options) control.append(el("option", { value: option, text: option, selected: option === f.default }));
  } else if (f.kind === "list") {
    control = el("input", { name, id, value: (f.default ?? []).join(", "), spellcheck: false });
  } else if (f.kind === "boolean") {
    control = el("input", { name, id, type: "checkbox", checked: Boolean(f.default) });
  } else {
    const numeric = f.kind === "integer" || f.kind === "number";
    control = el("input", {
      name, id,
      type: numeric ? "number" : "text",
      step: f.kind === "integer" ? "1" : "any",
      min: f.minimum ?? f.exclusiveMinimum,
      max: f.maximum ?? f.exclusiveMaximum,
      value: f.default ?? "",
      inputMode: f.kind === "integer" ? "numeric" : "decimal",
    });
  }
  control.dataset.kind = f.kind;
  if (described) control.setAttribute("aria-describedby", described);
  return el("label", { htmlFor: id }, f.label, control, hint);
}

function sourcePanel(c) {
  const group = (title, part, fields) => {
    const box = el("div", { className: "field-grid" });
    for (const f of fields) box.append(input(`sources.${c.id}.${part}.${f.name}`, f));
    return el("div", { className: "lever-group" }, el("h3", { text: title }), box);
  };
  return el("section", { className: "source-panel", "data-source": c.id, "aria-label": `${c.name} settings` },
    el("h3", { className: "source-title" }, el("img", { src: c.icon, alt: "", width: 24, height: 24 }), c.name),
    live[c.id] ? connectionGroup(c, live[c.id], () => field("tenant-slug").value.trim()) : "",
    group("Generation levers", "generation", c.generation),
    c.logic.length ? group("Business logic", "logic", c.logic) : "");
}

function renderCatalog() {
  const box = document.getElementById("catalog");
  for (const domain of catalog.domains) {
    const set = el("fieldset", { className: "domain" }, el("legend", { text: domain.label }));
    const grid = el("div", { className: "connectors" });
    for (const c of domain.connectors) {
      connectors.set(c.id, c);
      const box = el("input", { type: "checkbox", name: "source", value: c.id, id: `source-${c.id}` });
      box.addEventListener("change", () => toggleSource(c, box.checked));
      grid.append(el("label", { className: "connector", htmlFor: `source-${c.id}` }, box,
        el("img", { src: c.icon, alt: "", width: 32, height: 32 }),
        el("span", { className: "connector-name", text: c.name }),
        el("span", { className: "hint", text: `API ${c.api_version}` })));
    }
    set.append(grid);
    box.append(set);
  }
}

function toggleSource(c, on) {
  const existing = settings.querySelector(`[data-source="${c.id}"]`);
  if (on && !existing) {
    // keep the panels in catalog order, whatever order they were ticked in
    const order = [...connectors.keys()];
    const next = [...settings.children].find((p) => order.indexOf(p.dataset.source) > order.indexOf(c.id));
    settings.insertBefore(sourcePanel(c), next ?? null);
  } else if (!on && existing) {
    existing.remove();
  }
  noSources.hidden = settings.children.length > 0;
}

// --- reading the form: only what differs from the defaults -----------------------------------------------

function valueOf(name, f) {
  if (f.kind === "multichoice") {
    return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((x) => x.value);
  }
  if (f.kind === "boolean") return form.elements.namedItem(name).checked;
  const raw = form.elements.namedItem(name).value.trim();
  if (f.kind === "list") return raw ? raw.split(",").map((x) => x.trim()).filter(Boolean) : [];
  if (f.kind === "integer" || f.kind === "number") return raw === "" ? f.default : Number(raw);
  return raw;
}

function changed(c, part, fields) {
  const out = {};
  for (const f of fields) {
    const value = valueOf(`sources.${c.id}.${part}.${f.name}`, f);
    if (JSON.stringify(value) !== JSON.stringify(f.default)) out[f.name] = value;
  }
  return out;
}

function draft() {
  const d = catalog.defaults;
  const tenant = {
    slug: field("tenant-slug").value.trim(),
    name: field("tenant-name").value.trim(),
    reporting_currency: field("tenant-currency").value,
    sources: {},
  };
  const seed = field("tenant-seed").value.trim();
  if (seed !== "" && Number(seed) !== d.seed) tenant.seed = Number(seed);
  const schedule = field("tenant-schedule").value.trim();
  if (schedule && schedule !== d.schedule) tenant.schedule = schedule;
  for (const panel of settings.children) {
    const c = connectors.get(panel.dataset.source);
    const body = {};
    const generation = changed(c, "generation", c.generation);
    const logic = changed(c, "logic", c.logic);
    if (Object.keys(generation).length) body.generation = generation;
    if (Object.keys(logic).length) body.logic = logic;
    const connection = panel.querySelector("[data-connect]")?.connection();
    if (connection) {
      body.mode = "live";
      body.accounts = connection.accounts;
      if (Object.keys(connection.options).length) body.options = connection.options;
    }
    tenant.sources[c.id] = body;
  }
  const days = field("tenant-days").value.trim();
  return { tenant, days: days === "" ? d.days : Number(days) };
}

// --- errors next to their fields and in one summary ------------------------------------------------------

const TENANT_FIELDS = { slug: "tenant-slug", name: "tenant-name", reporting_currency: "tenant-currency",
  seed: "tenant-seed", schedule: "tenant-schedule", days: "tenant-days" };

function controlFor(path) {
  if (TENANT_FIELDS[path]) return field(TENANT_FIELDS[path]);
  if (path === "sources") return document.getElementById("catalog").querySelector("input");
  const named = form.querySelector(`[name="${CSS.escape(path)}"]`);
  return named ?? form.querySelector(`[data-name="${CSS.escape(path)}"]`);
}

function clearErrors() {
  errors.hidden = true;
  errors.querySelector("ul").replaceChildren();
  for (const bad of form.querySelectorAll("[aria-invalid]")) bad.removeAttribute("aria-invalid");
}

function showErrors(issues) {
  const list = errors.querySelector("ul");
  list.replaceChildren();
  for (const issue of issues) {
    if (issue.path === "schedule") revealCron(); // the field the server names must be visible to be fixed
    const control = controlFor(issue.path);
    control?.setAttribute("aria-invalid", "true");
    const text = `${issue.path ? `${issue.path}: ` : ""}${issue.message}`;
    const item = el("li", {});
    if (control?.id) item.append(el("a", { href: `#${control.id}`, text }));
    else item.textContent = text;
    list.append(item);
  }
  errors.hidden = false;
  errors.focus();
}

function checkLocally({ tenant, days }) {
  const issues = [];
  if (!tenant.name) issues.push({ path: "name", message: "required: the tenant's name" });
  if (!new RegExp(catalog.slug_pattern).test(tenant.slug)) {
    issues.push({ path: "slug", message: "3 to 63 lower-case letters, digits or underscores, a letter first" });
  } else if (catalog.taken_slugs.includes(tenant.slug)) {
    issues.push({ path: "slug", message: `'${tenant.slug}' is taken by another tenant` });
  }
  if (!Number.isInteger(days) || days < 1 || days > 365) issues.push({ path: "days", message: "a whole number from 1 to 365" });
  if (!Object.keys(tenant.sources).length) issues.push({ path: "sources", message: "pick at least one source" });
  for (const group of settings.querySelectorAll("[data-connect]")) {
    const connection = group.connection();
    if (connection && (!connection.connected || !connection.accounts.length)) {
      const path = `sources.${group.dataset.connect}.accounts`;
      issues.push({ path, message: "live: test the connection, then pick at least one account" });
    }
  }
  return issues;
}

async function submit(event) {
  event.preventDefault();
  clearErrors();
  const body = draft();
  const local = checkLocally(body);
  if (local.length) return showErrors(local);
  const button = document.getElementById("start");
  button.disabled = true;
  statusText.textContent = "Checking the configuration and starting…";
  try {
    const job = await request("POST", "/onboarding/jobs", body);
    statusText.textContent = "Started: opening its progress…";
    window.location.assign(`/admin/onboard/jobs/${encodeURIComponent(job.id)}`);
  } catch (err) {
    statusText.textContent = "";
    button.disabled = false;
    showErrors(err.body?.issues ?? [{ path: "", message: err.message }]);
  }
}

// --- recent jobs ----------------------------------------------------------------------------------------

async function recentJobs() {
  const section = document.querySelector('[data-part="jobs"]');
  try {
    const jobs = await request("GET", "/onboarding/jobs");
    fillTable(section, jobs, (j) => [
      [(j.started_at ?? j.created_at).replace("T", " ").replace("Z", ""), { head: true }],
      [j.tenant, { col: "tenant" }],
      [j.status, { col: "status", cls: j.status === "succeeded" ? "ok" : j.status === "failed" ? "bad" : undefined }],
      j.created_by,
      j.id,
    ], "No onboarding job has run here yet.");
    section.querySelectorAll("tbody tr").forEach((tr, i) => {
      const cell = tr.lastElementChild;
      cell.replaceChildren(el("a", { href: `/admin/onboard/jobs/${encodeURIComponent(jobs[i].id)}`, text: "progress" }));
    });
  } catch (err) {
    fillTable(section, [], () => [], `Jobs could not be listed: ${err.message}`);
  }
}

async function init() {
  try {
    catalog = await request("GET", "/onboarding/catalog");
  } catch (err) {
    showErrors([{ path: "", message: `The catalog could not be loaded: ${err.message}` }]);
    form.dataset.state = "error";
    return;
  }
  live = await request("GET", "/onboarding/connections/sources").catch(() => ({}));
  field("tenants-file").textContent = catalog.tenants_file;
  for (const c of catalog.currencies) {
    field("tenant-currency").append(el("option", { value: c, text: c, selected: c === catalog.defaults.reporting_currency }));
  }
  field("tenant-days").value = catalog.defaults.days;
  field("tenant-seed").value = catalog.defaults.seed;
  initSchedule(catalog.defaults.schedule);
  field("tenant-name").addEventListener("input", (e) => {
    if (!slugEdited) field("tenant-slug").value = slugify(e.target.value);
  });
  field("tenant-slug").addEventListener("input", () => { slugEdited = true; });
  renderCatalog();
  form.addEventListener("submit", submit);
  form.dataset.state = "ready";
  form.removeAttribute("aria-busy");
  recentJobs();
}

init();

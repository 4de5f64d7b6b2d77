// Pipeline health of one tenant: status, runs, freshness per source, models of the last run, tests, identity
// resolution, drift and lineage, every part from GET /observability/{tenant}/... (served from the tenant's
// published snapshot, never the warehouse).
import { request } from "./api.js";
import { connectionGroup } from "./connect.js";
import { drawChart, PALETTE, showEmpty } from "./charts.js";
import { ago, formatValue, hoursSince, label } from "./format.js";
import { failTable, fillTable } from "./table.js";
import { watchScrollers } from "./scroll-cue.js";

watchScrollers();

const root = document.getElementById("health");
const tenant = root.dataset.tenant;
const base = `/observability/${encodeURIComponent(tenant)}`;
const errorBox = document.getElementById("health-error");
const part = (name) => root.querySelector(`[data-part="${name}"]`);

const SECONDS = { format: "seconds" };
const PERCENT = { format: "percent" };
const INTEGER = { format: "integer" };

function when(iso) {
  return iso ? iso.replace("T", " ").slice(0, 19) : "–";
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  return seconds < 90 ? `${seconds.toFixed(1)} s` : `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

// One 'now' for the whole load: every relative time on the page is computed from the timestamp it stands beside
// with this same instant, so one load never shows "1 min ago" and "9 min ago" for the same load.
const NOW = Date.now();

function fact(list, term, value, key) {
  const dt = document.createElement("dt");
  dt.textContent = term;
  const dd = document.createElement("dd");
  dd.textContent = value;
  dd.dataset.fact = key;
  list.append(dt, dd);
}

async function summary() {
  const s = await request("GET", `${base}/summary`);
  const badge = document.getElementById("status-badge");
  badge.textContent = s.status;
  badge.className = `badge ${s.status === "success" ? "ok" : s.status === "running" ? "" : "bad"}`;
  const run = s.last_run;
  document.getElementById("status-text").textContent = run
    ? `Last run: ${run.kind}, ${run.status}, started ${when(run.started_at)} UTC, ${duration(run.duration_seconds)}`
    : "No run recorded yet.";
  const lastGood = document.getElementById("last-good");
  lastGood.hidden = !s.serving_last_good_data;
  lastGood.textContent = "The last run failed: dashboards show the last good data until a run succeeds.";
  const facts = document.getElementById("facts");
  facts.replaceChildren();
  const c = s.latest_run_counts;
  fact(facts, "Data through", s.freshness.data_through ?? "–", "data_through");
  fact(facts, "Last load", `${when(s.freshness.last_loaded_at)} UTC (${ago(hoursSince(s.freshness.last_loaded_at, NOW))})`, "last_loaded_at");
  fact(facts, "Published", `${when(s.published_at)} UTC`, "published_at");
  fact(facts, "Models", `${c.models_succeeded ?? 0} built, ${c.models_failed ?? 0} failed`, "models");
  fact(facts, "Tests", `${c.tests_passed ?? 0} passed, ${c.tests_failed ?? 0} failed, ${c.tests_warned ?? 0} warned, ${c.tests_errored ?? 0} errored`, "tests");
  const ready = Object.entries(s.readiness.tables);
  fact(facts, "Star tables ready", `${ready.filter(([, ok]) => ok).length} of ${ready.length}${s.readiness.ready ? "" : ` (not ready: ${ready.filter(([, ok]) => !ok).map(([t]) => t).join(", ")})`}`, "readiness");
  fact(facts, "Schema drift findings", String(s.drift_findings), "drift");
  part("summary").dataset.state = "ready";
  document.getElementById("tests-summary").textContent =
    `Last run: ${c.tests_passed ?? 0} passed, ${c.tests_failed ?? 0} failed, ${c.tests_warned ?? 0} warned, ${c.tests_errored ?? 0} errored.`;
  if (run?.steps?.length) {
    drawChart("steps", {
      type: "bar",
      data: { labels: run.steps.map((st) => st.step), datasets: [{ label: "Seconds", data: run.steps.map((st) => st.seconds), backgroundColor: PALETTE[0] }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } } },
    }, SECONDS);
  } else {
    showEmpty("steps", "No run with step timings yet.");
  }
}

async function runs() {
  const section = part("runs");
  const list = await request("GET", `${base}/runs?limit=20`);
  fillTable(section, list, (r) => [
    [when(r.started_at), { head: true }],
    r.kind,
    [r.status, { cls: r.status === "success" ? "ok" : r.status === "failed" ? "bad" : "" }],
    [duration(r.duration_seconds), { num: true }],
    [`${r.models_succeeded} / ${r.models_failed}`, { num: true }],
    [`${r.tests_passed} / ${r.tests_failed}`, { num: true }],
    r.message ?? "",
  ], "No runs recorded for this tenant yet.");
}

async function connections(list) {
  // admins only (the section is in their page alone): a rotate form per live source
  const section = document.getElementById("connections");
  const live = list.filter((s) => s.mode === "live");
  if (!section || !live.length) return;
  const needs = await request("GET", "/onboarding/connections/sources");
  const box = document.getElementById("connection-groups");
  for (const s of live) {
    if (needs[s.connector]) box.append(connectionGroup({ id: s.connector, name: label(s.connector) }, needs[s.connector], () => tenant, { rotate: true }));
  }
  section.hidden = !box.children.length;
}

async function sources() {
  const list = await request("GET", `${base}/freshness`);
  connections(list).catch(() => {});
  fillTable(part("sources"), list, (s) => [
    [label(s.connector), { head: true, value: s.connector }],
    when(s.last_loaded_at),
    s.data_through ?? "–",
    [ago(hoursSince(s.last_loaded_at, NOW)), { num: true, value: hoursSince(s.last_loaded_at, NOW) ?? "" }],
    [formatValue(s.last_load_rows, INTEGER), { num: true }],
    [String(s.objects.length), { num: true }],
    [s.mode, { col: "mode" }],
    [s.last_error ?? "", { col: "error", cls: s.last_error ? "bad" : undefined }],
  ], "No loads recorded for this tenant yet.");
}

async function models() {
  const run = await request("GET", `${base}/runs/latest/models`);
  const failed = run.models.filter((m) => m.status !== "success").length;
  const total = run.models.reduce((t, m) => t + m.execution_time, 0);
  document.getElementById("models-summary").textContent = run.run_id
    ? `${run.kind} run of ${when(run.started_at)} UTC: ${run.models.length} models, ${failed} failed, ` +
      `${duration(total)} of model time; failures first, then the slowest.`
    : "No run recorded yet.";
  fillTable(part("models"), run.models, (m) => [
    [m.name, { head: true }],
    m.owner,
    [m.status, { cls: m.status === "success" ? "ok" : "bad" }],
    [m.execution_time.toFixed(2), { num: true, value: m.execution_time }],
    [m.rows_affected === null ? "–" : formatValue(m.rows_affected, INTEGER), { num: true }],
    m.status === "success" ? "" : m.message ?? "",
  ], "The last run built no models.");
}

async function tests() {
  const section = part("tests");
  const failing = await request("GET", `${base}/tests?status=fail&limit=200`);
  fillTable(section, failing, (t) => [
    [t.name, { head: true }],
    t.tested_node ?? "",
    [t.status, { cls: "bad" }],
    [t.failures ?? "", { num: true }],
    t.message ?? "",
  ], "No failing tests.");
}

async function identity() {
  const id = await request("GET", `${base}/identity-resolution`);
  document.getElementById("identity-text").textContent =
    `${formatValue(id.people, INTEGER)} people, ${formatValue(id.identified, INTEGER)} identified ` +
    `(${formatValue(id.people ? id.identified / id.people : null, PERCENT)}), ${formatValue(id.customers, INTEGER)} customers.`;
  const keys = id.by_key.filter((k) => k.match_rate !== null);
  if (!keys.length) return showEmpty("identity", "No identities resolved yet.");
  drawChart("identity", {
    type: "bar",
    data: {
      labels: keys.map((k) => `${label(k.key_type)} (${formatValue(k.users, INTEGER)})`),
      datasets: [{ label: "Share resolved", data: keys.map((k) => k.match_rate), backgroundColor: PALETTE[2] }],
    },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { max: 1 } } },
  }, PERCENT);
}

async function drift() {
  const findings = await request("GET", `${base}/drift`);
  fillTable(part("drift"), findings, (f) => [
    [f.connector, { head: true }], f.object_name, f.field, f.change, f.expected_type ?? "–", f.observed_type ?? "–", when(f.first_seen_at),
  ], "No schema drift: every source sends the fields the connector library expects.");
}

async function lineage(table) {
  const section = part("lineage");
  const list = document.getElementById("lineage");
  const empty = section.querySelector('[data-role="empty"]');
  section.dataset.state = "loading";
  try {
    const l = await request("GET", `${base}/lineage?table=${encodeURIComponent(table)}`);
    document.getElementById("lineage-description").textContent = `${l.table}: ${l.description ?? ""}`;
    list.replaceChildren();
    for (const step of l.steps) {
      const li = document.createElement("li");
      li.dataset.layer = step.layer;
      const h = document.createElement("h3");
      h.textContent = step.layer;
      const ul = document.createElement("ul");
      for (const rel of step.relations) {
        const item = document.createElement("li");
        const name = rel.node.split(".").slice(2).join(".");
        const loads = rel.loads ? `, ${rel.loads.length} load${rel.loads.length === 1 ? "" : "s"}, last ${when(rel.loads.at(-1)?.loaded_at)}` : "";
        item.textContent = `${name}: ${formatValue(rel.rows, INTEGER)} rows${loads}`;
        ul.append(item);
      }
      li.append(h, ul);
      list.append(li);
    }
    empty.hidden = !!l.steps.length;
    empty.textContent = "No lineage recorded for this table.";
    section.dataset.state = l.steps.length ? "ready" : "empty";
  } catch (err) {
    list.replaceChildren();
    empty.textContent = `Could not load lineage: ${err.message}`;
    empty.classList.add("error");
    empty.hidden = false;
    section.dataset.state = "error";
    throw err;
  }
}

function guarded(name, load) {
  return load().catch((err) => {
    if (["runs", "tests", "drift", "sources", "models"].includes(name)) failTable(part(name), `Could not load: ${err.message}`);
    if (name === "summary") showEmpty("steps", `Could not load: ${err.message}`, "error");
    if (name === "identity") showEmpty("identity", `Could not load: ${err.message}`, "error");
    throw err;
  });
}

async function loadAll() {
  const table = document.getElementById("lineage-table").value;
  const outcomes = await Promise.allSettled([
    guarded("summary", summary), guarded("runs", runs), guarded("tests", tests), guarded("identity", identity),
    guarded("drift", drift), guarded("sources", sources), guarded("models", models), lineage(table),
  ]);
  const errors = outcomes.filter((o) => o.status === "rejected").map((o) => o.reason.message);
  errorBox.hidden = !errors.length;
  errorBox.textContent = errors.length ? `Some parts could not be loaded: ${[...new Set(errors)].join("; ")}` : "";
  root.dataset.state = errors.length ? "error" : "ready";
  root.setAttribute("aria-busy", "false");
}

document.getElementById("lineage-form").addEventListener("submit", (event) => {
  event.preventDefault();
  lineage(document.getElementById("lineage-table").value).catch(() => {});
});

loadAll();

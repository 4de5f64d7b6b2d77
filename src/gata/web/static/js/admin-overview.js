// The admins' overview of every tenant: one request (GET /tenants/overview) for the whole table; the period is
// a relative range the server resolves, kept in the URL (?range=) so a reload or a shared link keeps it.
import { request } from "./api.js";
import { el } from "./dom.js";
import { ago, formatValue, hoursSince } from "./format.js";
import { fillTable } from "./table.js";
import { watchScrollers } from "./scroll-cue.js";

watchScrollers();

const root = document.getElementById("overview");
const section = root.querySelector('[data-part="overview"]');
const picker = document.getElementById("overview-range");
const periodText = document.getElementById("overview-period-text");
const STATUS_CLASS = { ok: "ok", failing: "bad" };

function money(value, currency) {
  return formatValue(value, { format: "currency", currency });
}

function lastRun(run, now) {
  if (!run) return ["never", { col: "last_run" }];
  const when = run.finished_at ?? run.started_at;
  return [`${run.status}, ${ago(hoursSince(when, now))}`, { col: "last_run", value: when }];
}

function freshness(t) {
  if (!t.data_through) return ["–", { col: "freshness" }];
  return [`through ${t.data_through}, loaded ${ago(t.hours_since_load)}`, { col: "freshness", value: t.data_through }];
}

function pages(t) {
  if (!t.served) return [];
  const slug = encodeURIComponent(t.slug);
  return [
    el("a", { href: `/app/${slug}`, text: "Dashboard", "aria-label": `${t.slug} dashboard` }),
    " ",
    el("a", { href: `/app/${slug}/health`, text: "Health", "aria-label": `${t.slug} pipeline health` }),
  ];
}

async function load(range) {
  root.setAttribute("aria-busy", "true");
  root.dataset.state = "loading";
  try {
    const answer = await request("GET", `/tenants/overview?relative=${encodeURIComponent(range)}`);
    const now = Date.now();
    periodText.textContent = `${answer.start} to ${answer.end} (UTC days)`;
    fillTable(section, answer.tenants, (t) => [
      [t.slug, { head: true }],
      [t.status, { col: "status", cls: STATUS_CLASS[t.status] }],
      lastRun(t.last_run, now),
      freshness(t),
      [money(t.spend, t.currency), { num: true, col: "spend", value: t.spend ?? "" }],
      [money(t.revenue, t.currency), { num: true, col: "revenue", value: t.revenue ?? "" }],
      [t.failing_tests ?? "–", { num: true, col: "failing_tests", value: t.failing_tests ?? "" }],
      ["", { col: "pages" }],
    ], "No tenant is registered yet.");
    section.querySelectorAll("tbody tr").forEach((tr, i) => {
      const t = answer.tenants[i];
      tr.dataset.slug = t.slug;
      tr.querySelector('[data-col="pages"]').append(...pages(t));
      if (t.error) tr.querySelector('[data-col="status"]').title = t.error;
    });
    root.dataset.state = "ready";
  } catch (err) {
    fillTable(section, [], () => [], `The overview could not be loaded: ${err.message}`);
    root.dataset.state = "error";
  } finally {
    root.removeAttribute("aria-busy");
  }
}

const wanted = new URLSearchParams(location.search).get("range");
if ([...picker.options].some((o) => o.value === wanted)) picker.value = wanted;
picker.addEventListener("change", () => {
  history.replaceState(null, "", `${location.pathname}?range=${picker.value}`);
  load(picker.value);
});
load(picker.value);

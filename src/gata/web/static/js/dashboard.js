// The tenant dashboard: KPI cards, five charts and the top-campaigns table, every number from
// POST /semantic-layer/{tenant}/query. Each card loads on its own (a skeleton while its queries run); one failing
// shows its error, the others draw.
import { query } from "./api.js";
import { campaigns } from "./campaigns.js";
import { drawChart, PALETTE, setLoading, showEmpty } from "./charts.js";
import { today } from "./days.js";
import { fittingRange } from "./fit-range.js";
import { formatDay, label } from "./format.js";
import { funnel } from "./funnel.js";
import { loadKpis } from "./kpis.js";
import { col } from "./result.js";
import { watchRange } from "./range.js";
import { spendRevenue } from "./trend.js";
import { watchScrollers } from "./scroll-cue.js";

watchScrollers();

const root = document.getElementById("dashboard");
const tenant = root.dataset.tenant;
const errorBox = document.getElementById("dashboard-error");
const rangeText = document.getElementById("range-text");
const dataStarts = document.getElementById("data-starts");
const { firstDay, lastDay } = root.dataset; // the tenant's data (absent: no data published yet)

async function platforms(tenant, dateRange) {
  const result = await query(tenant, { model: "blended", dimensions: ["source_platform"], measures: ["spend", "revenue", "attributed_roas"], date_range: dateRange, order_by: [{ field: "spend", direction: "desc" }] });
  if (!result.rows.length) return showEmpty("platforms", "No ad spend in this period.");
  const unit = col(result, "spend");
  drawChart("platforms", {
    type: "bar",
    data: {
      labels: result.rows.map((r) => label(r.source_platform)),
      datasets: [
        { label: "Spend", data: result.rows.map((r) => r.spend), backgroundColor: PALETTE[0] },
        { label: "Attributed revenue", data: result.rows.map((r) => r.revenue), backgroundColor: PALETTE[2] },
      ],
    },
    options: { indexAxis: "y", scales: { x: { title: { display: true, text: unit.currency } } } },
  }, unit);
}

async function sources(tenant, dateRange) {
  const result = await query(tenant, { model: "sessions", dimensions: ["traffic_source", "traffic_medium"], measures: ["sessions"], date_range: dateRange, order_by: [{ field: "sessions", direction: "desc" }], limit: 10 });
  if (!result.rows.length) return showEmpty("sources", "No sessions in this period.");
  drawChart("sources", {
    type: "bar",
    data: {
      labels: result.rows.map((r) => `${r.traffic_source ?? "(direct)"} / ${r.traffic_medium ?? "(none)"}`),
      datasets: [{ label: "Sessions", data: result.rows.map((r) => r.sessions), backgroundColor: PALETTE[5] }],
    },
    options: { indexAxis: "y", plugins: { legend: { display: false } } },
  }, col(result, "sessions"));
}

async function devices(tenant, dateRange) {
  const result = await query(tenant, { model: "sessions", dimensions: ["device_category"], measures: ["sessions"], date_range: dateRange, order_by: [{ field: "sessions", direction: "desc" }] });
  if (!result.rows.length) return showEmpty("devices", "No sessions in this period.");
  const total = result.rows.reduce((s, r) => s + r.sessions, 0);
  drawChart("devices", {
    type: "doughnut",
    data: {
      labels: result.rows.map((r) => `${label(r.device_category)} (${((100 * r.sessions) / total).toFixed(1)}%)`),
      datasets: [{ label: "Sessions", data: result.rows.map((r) => r.sessions), backgroundColor: PALETTE }],
    },
  }, col(result, "sessions"));
}

function chart(id, load) {
  return async (tenant, dateRange) => {
    setLoading(id);
    try {
      await load(tenant, dateRange);
    } catch (err) {
      showEmpty(id, `Could not load this chart: ${err.message}`, "error");
      throw err;
    }
  };
}

const PARTS = [
  chart("spend-revenue", spendRevenue),
  chart("platforms", platforms),
  chart("funnel", funnel),
  chart("sources", sources),
  chart("devices", devices),
  campaigns,
];

let generation = 0;
const partialNote = document.getElementById("partial-note");

/** A period containing a partial day (today, read up to the run's moment) says so above the figures. */
function showPartial(notes) {
  partialNote.textContent = notes.join(" ");
  partialNote.hidden = !notes.length;
}

async function load(dateRange) {
  const mine = ++generation;
  root.dataset.state = "loading";
  root.setAttribute("aria-busy", "true");
  errorBox.hidden = true;
  const started = performance.now();
  const kpis = loadKpis(tenant, dateRange).then((resolved) => {
    if (!resolved || mine !== generation) return;
    rangeText.textContent = `${formatDay(resolved.start)} – ${formatDay(resolved.end)}, compared with the period before`;
    // a period starting before the data would read its empty first days as a collapse: say where data starts
    dataStarts.textContent = `Data starts ${formatDay(firstDay)}: the days before it have no figures.`;
    dataStarts.hidden = !firstDay || resolved.start >= firstDay;
    showPartial(resolved.notes);
  });
  const outcomes = await Promise.allSettled([kpis, ...PARTS.map((part) => part(tenant, dateRange))]);
  if (mine !== generation) return; // a newer range was applied meanwhile
  const errors = outcomes.filter((o) => o.status === "rejected").map((o) => o.reason.message);
  if (errors.length) {
    errorBox.textContent = `Some figures could not be loaded: ${[...new Set(errors)].join("; ")}`;
    errorBox.hidden = false;
  }
  root.dataset.loadMs = Math.round(performance.now() - started);
  root.dataset.state = errors.length ? "error" : "ready";
  root.setAttribute("aria-busy", "false");
}

watchRange(tenant, fittingRange(firstDay, lastDay, today()), load, (message) => {
  errorBox.textContent = message;
  errorBox.hidden = false;
});

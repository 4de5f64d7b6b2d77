// The tenant dashboard: KPI cards, five charts and the top-campaigns table, every number from
// POST /semantic-layer/{tenant}/query. Each card loads on its own; one failing shows its error, the others draw.
import { model, query } from "./api.js";
import { drawChart, PALETTE, setLoading, showEmpty } from "./charts.js";
import { formatDay, formatValue, label } from "./format.js";
import { loadKpis } from "./kpis.js";
import { failTable, fillTable } from "./table.js";
import { watchRange } from "./range.js";
import { watchScrollers } from "./scroll-cue.js";

watchScrollers();

const root = document.getElementById("dashboard");
const tenant = root.dataset.tenant;
const errorBox = document.getElementById("dashboard-error");
const rangeText = document.getElementById("range-text");

const col = (result, name) => result.columns.find((c) => c.name === name);

function days(range) {
  const out = [];
  for (let d = new Date(`${range.start}T00:00:00Z`); d <= new Date(`${range.end}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

async function spendRevenue(dateRange) {
  const [spend, revenue] = await Promise.all([
    query(tenant, { model: "ad_performance", dimensions: ["source_platform"], measures: ["spend"], time_grain: "day", date_range: dateRange, limit: 10000 }),
    query(tenant, { model: "orders", measures: ["revenue"], time_grain: "day", date_range: dateRange, limit: 10000 }),
  ]);
  if (!spend.rows.length && !revenue.rows.length) return showEmpty("spend-revenue", "No ad spend and no orders in this period.");
  const axis = days(spend.date_range);
  const index = new Map(axis.map((d, i) => [d, i]));
  const platforms = [...new Set(spend.rows.map((r) => r.source_platform))].sort();
  const datasets = platforms.map((p, i) => {
    const data = new Array(axis.length).fill(0);
    for (const r of spend.rows) if (r.source_platform === p) data[index.get(r.report_date)] = r.spend;
    return { type: "bar", label: `Spend: ${label(p)}`, data, backgroundColor: PALETTE[i % PALETTE.length], stack: "spend", order: 2 };
  });
  const rev = new Array(axis.length).fill(null); // a day without orders shows as a gap, not as zero sales
  for (const r of revenue.rows) rev[index.get(r.order_date)] = r.revenue;
  datasets.push({ type: "line", label: "Revenue (all orders)", data: rev, borderColor: "#111827", backgroundColor: "#111827", pointRadius: 2, tension: 0.2, order: 1 });
  const unit = col(spend, "spend") ?? col(revenue, "revenue");
  drawChart("spend-revenue", {
    type: "bar",
    data: { labels: axis.map(formatDay), datasets },
    options: { scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } }, y: { stacked: true, title: { display: true, text: unit.currency } } } },
  }, unit);
}

async function platforms(dateRange) {
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

async function funnel(dateRange) {
  const detail = await model(tenant, "sessions");
  const steps = detail.measures.filter((m) => /^funnel_step_\d+$/.test(m.name));
  if (!steps.length) return showEmpty("funnel", "No funnel steps are configured for this tenant.");
  const result = await query(tenant, { model: "sessions", measures: ["sessions", ...steps.map((s) => s.name)], date_range: dateRange });
  const row = result.rows[0] ?? {};
  if (!row.sessions) return showEmpty("funnel", "No sessions in this period.");
  const labels = ["Sessions", ...steps.map((s) => s.label.replace(/^Funnel step (\d+) \((.*)\)$/, "$1. $2"))];
  const values = [row.sessions, ...steps.map((s) => row[s.name] ?? 0)];
  drawChart("funnel", {
    type: "bar",
    data: { labels, datasets: [{ label: "Sessions", data: values, backgroundColor: values.map((_, i) => PALETTE[i % PALETTE.length]) }] },
    options: {
      indexAxis: "y",
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { afterLabel: (ctx) => (ctx.dataIndex ? `${((100 * values[ctx.dataIndex]) / values[0]).toFixed(1)}% of sessions` : "") } },
      },
    },
  }, col(result, "sessions"));
}

async function sources(dateRange) {
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

async function devices(dateRange) {
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

async function campaigns(dateRange) {
  const section = document.getElementById("campaigns").closest("section");
  section.dataset.state = "loading";
  try {
    const ads = await query(tenant, { model: "ad_performance", dimensions: ["source_platform", "campaign_name"], measures: ["spend", "clicks", "ctr", "cpc", "conversions", "platform_roas"], date_range: dateRange, order_by: [{ field: "spend", direction: "desc" }], limit: 10 });
    if (!ads.rows.length) return fillTable(section, [], null, "No campaign spent anything in this period.");
    // attributed figures joined on platform and name: one name on two platforms is two campaigns
    const blended = await query(tenant, { model: "blended", dimensions: ["source_platform", "campaign_name"], measures: ["revenue", "attributed_roas"], date_range: dateRange, filters: [{ field: "campaign_name", op: "in", value: ads.rows.map((r) => r.campaign_name) }, { field: "source_platform", op: "in", value: [...new Set(ads.rows.map((r) => r.source_platform))] }], limit: 1000 });
    const attributed = new Map(blended.rows.map((r) => [`${r.source_platform}|${r.campaign_name}`, r]));
    const columns = [
      ["spend", col(ads, "spend")], ["clicks", col(ads, "clicks")], ["ctr", col(ads, "ctr")], ["cpc", col(ads, "cpc")],
      ["conversions", col(ads, "conversions")], ["platform_roas", col(ads, "platform_roas")],
      ["revenue", col(blended, "revenue")], ["attributed_roas", col(blended, "attributed_roas")],
    ];
    const rows = ads.rows.map((r) => ({ ...r, ...(attributed.get(`${r.source_platform}|${r.campaign_name}`) ?? { revenue: 0, attributed_roas: r.spend ? 0 : null }) }));
    fillTable(section, rows, (r) => [
      [r.campaign_name ?? "(unnamed)", { head: true }],
      label(r.source_platform),
      ...columns.map(([key, column]) => [formatValue(r[key], column), { num: true, col: key }]),
    ]);
  } catch (err) {
    failTable(section, `Could not load campaigns: ${err.message}`);
    throw err;
  }
}

function chart(id, load) {
  return async (dateRange) => {
    setLoading(id);
    try {
      await load(dateRange);
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
    showPartial(resolved.notes);
  });
  const outcomes = await Promise.allSettled([kpis, ...PARTS.map((part) => part(dateRange))]);
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

watchRange(load, (message) => {
  errorBox.textContent = message;
  errorBox.hidden = false;
});

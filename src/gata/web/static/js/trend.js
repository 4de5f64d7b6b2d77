// The dashboard's trend chart: spend per day stacked by platform, revenue per day as a line, and the previous
// period's spend and revenue as dashed lines laid over the same axis, day i of the previous period on day i.
// The API compares totals only (compare: previous_period refuses a time grain), so the previous period's days are
// asked for as days: the same number, ending the day before the current period starts.
import { query } from "./api.js";
import { drawChart, PALETTE, showEmpty } from "./charts.js";
import { daysOf, previousPeriod } from "./days.js";
import { formatDay, label } from "./format.js";
import { col } from "./result.js";

const ID = "spend-revenue";
const INK = "#111827";
const DASH = [6, 4];

function byDay(tenant, model, measure, dateRange, dimensions = []) {
  return query(tenant, { model, dimensions, measures: [measure], time_grain: "day", date_range: dateRange, limit: 10000 });
}

/** One value per day of `axis` (`missing` where the result has no row for it). */
function perDay(axis, rows, dayField, measure, missing) {
  const index = new Map(axis.map((d, i) => [d, i]));
  const out = new Array(axis.length).fill(missing);
  for (const r of rows) if (index.has(r[dayField])) out[index.get(r[dayField])] += r[measure] ?? 0;
  return out;
}

const LAST_N_DAYS = /^last_(\d{1,4})_days$/;
const MOST_DAYS = 3660; // the longest last_N_days the API resolves

/** One range covering the previous period and `range` when it can be asked as one, else null. Asking both at
 * once keeps the dashboard's load at the queries it had (each tenant's queries run one at a time). */
function withPrevious(range) {
  if (range.start) return { start: previousPeriod(range).start, end: range.end };
  const n = Number(LAST_N_DAYS.exec(range.relative)?.[1]);
  return n && 2 * n <= MOST_DAYS ? { relative: `last_${2 * n}_days` } : null;
}

/** Spend per day by platform and revenue per day, over the period and over the one before it. */
async function periods(tenant, dateRange) {
  const ask = (range) => Promise.all([
    byDay(tenant, "ad_performance", "spend", range, ["source_platform"]),
    byDay(tenant, "orders", "revenue", range),
  ]);
  const both = withPrevious(dateRange);
  if (both) {
    const [spend, revenue] = await ask(both);
    const all = daysOf(spend.date_range);
    const axis = all.slice(all.length / 2);
    const split = (result, day) => [result.rows.filter((r) => r[day] >= axis[0]), result.rows.filter((r) => r[day] < axis[0])];
    const [spendNow, spendBefore] = split(spend, "report_date");
    const [revenueNow, revenueBefore] = split(revenue, "order_date");
    return { axis, axisBefore: all.slice(0, all.length / 2), spend, revenue, spendNow, spendBefore, revenueNow, revenueBefore };
  }
  // a calendar range (this month, ...): its days first, then the same number of days before it
  const [spend, revenue] = await ask(dateRange);
  const before = previousPeriod(spend.date_range);
  const [spendBefore, revenueBefore] = await ask(before);
  return { axis: daysOf(spend.date_range), axisBefore: daysOf(before), spend, revenue, spendNow: spend.rows,
    spendBefore: spendBefore.rows, revenueNow: revenue.rows, revenueBefore: revenueBefore.rows };
}

export async function spendRevenue(tenant, dateRange) {
  const { axis, axisBefore, spend, revenue, spendNow, spendBefore, revenueNow, revenueBefore } = await periods(tenant, dateRange);
  if (!spendNow.length && !revenueNow.length) return showEmpty(ID, "No ad spend and no orders in this period.");
  const platforms = [...new Set(spendNow.map((r) => r.source_platform))].sort();
  const datasets = platforms.map((p, i) => ({
    type: "bar",
    label: `Spend: ${label(p)}`,
    data: perDay(axis, spendNow.filter((r) => r.source_platform === p), "report_date", "spend", 0),
    backgroundColor: PALETTE[i % PALETTE.length],
    stack: "spend",
    order: 3,
  }));
  // a day without orders shows as a gap, not as zero sales (null + a value is that value: one row per day)
  const line = (data, extra) => ({ type: "line", data, pointRadius: 2, tension: 0.2, ...extra });
  datasets.push(line(perDay(axis, revenueNow, "order_date", "revenue", null), {
    label: "Revenue (all orders)", borderColor: INK, backgroundColor: INK, stack: "revenue", order: 1,
  }));
  // each line its own stack (on the stacked value axis, lines sharing a stack would be added up); the tooltip
  // names the previous period's own day (`days`); a previous period without data draws no line
  const dashed = (rows, day, measure, missing, extra) => rows.length && datasets.push(line(
    perDay(axisBefore, rows, day, measure, missing),
    { backgroundColor: "#fff", borderDash: DASH, borderWidth: 1.5, pointRadius: 0, order: 2, days: axisBefore, ...extra },
  ));
  dashed(revenueBefore, "order_date", "revenue", null, { label: "Revenue, previous period", borderColor: INK, stack: "revenue-previous" });
  dashed(spendBefore, "report_date", "spend", 0, { label: "Spend, previous period", borderColor: PALETTE[8], stack: "spend-previous" });
  const unit = col(spend, "spend") ?? col(revenue, "revenue");
  drawChart(ID, {
    type: "bar",
    data: { labels: axis.map(formatDay), datasets },
    options: { scales: { x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } }, y: { stacked: true, title: { display: true, text: unit.currency } } } },
  }, unit);
}

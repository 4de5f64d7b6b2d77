// The explorer's chart, from the result's shape and the chart controls (type, measures drawn): a time column → a
// line (or bars) over every period of the range, one series per measure or per value of a second dimension;
// categories → bars (or a line); measures alone → numbers; otherwise it says why not.
import { chartChoice, hideControls, offerMeasures } from "./chart-controls.js";
import { drawChart, hatch, PALETTE, showEmpty } from "./charts.js";
import { formatValue, label } from "./format.js";
import { periodsOf } from "./periods.js";

const MAX_SERIES = 10;
const MAX_BARS = 40;
const TIME = new Set(["date", "timestamp"]);
const RATIOS = new Set(["percent", "ratio"]);

const card = document.querySelector('[data-chart="explore"]');
const numbers = document.getElementById("numbers");
const title = document.getElementById("chart-title");
const note = document.getElementById("chart-note");
const box = card.querySelector(".chart-box"); // shown only while a chart is drawn, so no empty frame stands

function kind(k, text) {
  card.dataset.kind = k;
  box.hidden = k !== "line" && k !== "bar";
  title.textContent = text;
}

function showNote(text) {
  note.textContent = text;
  note.hidden = !text;
}

function showNumbers(result, measures) {
  numbers.replaceChildren();
  for (const m of measures) {
    const box = document.createElement("article");
    box.className = "kpi card";
    box.dataset.measure = m.name;
    const h = document.createElement("h3");
    h.className = "kpi-label";
    h.textContent = m.label;
    const v = document.createElement("p");
    v.className = "kpi-value";
    v.textContent = formatValue(result.rows[0]?.[m.name], m);
    box.append(h, v);
    numbers.append(box);
  }
  numbers.hidden = false;
  card.querySelector("canvas").hidden = true;
  card.querySelector('[data-role="empty"]').hidden = true;
  card.dataset.state = "ready";
}

/** The unit an axis reads in: its measures' own, or plain numbers when they differ. */
function commonUnit(measures) {
  const [first] = measures;
  return measures.every((m) => m.format === first.format && m.currency === first.currency) ? first : { format: "number" };
}

/**
 * Sums and counts on the main axis; ratios and means (AOV, CPA, ROAS, CTR...) drawn with them go on a second
 * axis, so a CPA is not flattened on the spend axis. Each axis reads in its measures' unit.
 */
function axesFor(measures, additive, horizontal) {
  const mixed = measures.some(additive) && measures.some((m) => !additive(m));
  const [main, second] = horizontal ? ["x", "x1"] : ["y", "y1"];
  const axisOf = (m) => (mixed && !additive(m) ? second : main);
  const on = (id) => measures.filter((m) => axisOf(m) === id);
  const scales = {};
  if (mixed) {
    scales[main] = { title: { display: true, text: on(main).map((m) => m.label).join(", ") } };
    const unit = commonUnit(on(second));
    scales[second] = {
      position: horizontal ? "top" : "right",
      beginAtZero: true,
      grid: { drawOnChartArea: false }, // one grid (the main axis's) keeps the chart readable
      title: { display: true, text: on(second).map((m) => m.label).join(", ") },
      ticks: { callback: (v) => formatValue(v, unit, { compact: true }) },
    };
  }
  return {
    axisOf,
    idKey: horizontal ? "xAxisID" : "yAxisID",
    mainUnit: commonUnit(on(main).length ? on(main) : measures),
    scales,
    legend: (m) => (mixed && !additive(m) ? `${m.label} (${horizontal ? "top" : "right"} axis)` : m.label),
  };
}

/** Dataset styling: a line (straight, not smoothed) or bars; periods marked partial are dashed or hatched. */
function styled(ds, type, color, partial) {
  Object.assign(ds, { borderColor: color, backgroundColor: color });
  if (type === "line") {
    Object.assign(ds, { tension: 0, spanGaps: false, pointRadius: partial.length > 60 ? 0 : 2 });
    if (partial.some(Boolean)) ds.segment = { borderDash: (ctx) => (partial[ctx.p0DataIndex] || partial[ctx.p1DataIndex] ? [6, 4] : undefined) };
  } else if (partial.some(Boolean)) {
    Object.assign(ds, { backgroundColor: partial.map((p) => (p ? hatch(color) : color)), borderWidth: partial.map((p) => (p ? 1 : 0)) });
  }
  return ds;
}

function timeChart(query, result, time, other, measures, type, additive) {
  const keyOf = (r) => String(r[time.name]).slice(0, 10);
  const seen = [...new Set(result.rows.map(keyOf))].sort();
  const range = result.date_range;
  // every period of the asked range (or of the data's span, for all time), not only those with rows
  const axis = (query.time_grain && periodsOf(range?.start ?? seen[0], range?.end ?? seen.at(-1), query.time_grain,
    { partialDays: result.partial_days ?? [], bounded: Boolean(range) })) || seen.map((key) => ({ key, partial: "" }));
  const at = new Map(axis.map((p, i) => [p.key, i]));
  const partial = axis.map((p) => Boolean(p.partial));
  // a period without rows sold nothing (0) for a sum or count; a ratio of nothing is unknown (null, a gap)
  const values = (m, keep) => {
    const data = axis.map(() => (additive(m) ? 0 : null));
    for (const r of result.rows) {
      const i = at.get(keyOf(r));
      if (i !== undefined && keep(r)) data[i] = r[m.name] ?? data[i];
    }
    return data;
  };
  const ys = other ? measures.slice(0, 1) : measures; // split by a second dimension: one measure's series
  const ax = axesFor(ys, additive, false);
  let datasets;
  if (other) {
    const [y] = ys;
    const totals = new Map();
    for (const r of result.rows) totals.set(r[other.name], (totals.get(r[other.name]) ?? 0) + (r[y.name] ?? 0));
    const series = [...totals].sort((a, b) => b[1] - a[1]).slice(0, MAX_SERIES).map(([v]) => v);
    datasets = series.map((s, i) => styled({ label: label(s), unit: y, data: values(y, (r) => r[other.name] === s) },
      type, PALETTE[i % PALETTE.length], partial));
    kind(type, `${y.label} by ${time.label} and ${other.label}${totals.size > MAX_SERIES ? ` (top ${MAX_SERIES})` : ""}`);
  } else {
    datasets = ys.map((m, i) => styled({ label: ax.legend(m), unit: m, data: values(m, () => true), [ax.idKey]: ax.axisOf(m) },
      type, PALETTE[i % PALETTE.length], partial));
    kind(type, `${ys.map((m) => m.label).join(", ")} by ${time.label}`);
  }
  const parts = axis.filter((p) => p.partial);
  showNote(parts.length ? `Partial ${query.time_grain === "day" ? "days" : "periods"}, drawn ${type === "bar" ? "hatched" : "dashed"}: ` +
    `${parts.map((p) => `${p.key} (${p.partial})`).join("; ")}. Their figures cover only part of the period.` : "");
  drawChart("explore", {
    type,
    data: { labels: axis.map((p) => p.key), datasets },
    options: { scales: { ...ax.scales, x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } } } },
  }, ax.mainUnit);
}

function shortLabel(text, chartWidth) {
  const most = chartWidth < 600 ? 22 : 48;
  return text.length > most ? `${text.slice(0, most - 1)}…` : text;
}

function categoryChart(result, dims, measures, type, additive) {
  const rows = result.rows.slice(0, MAX_BARS);
  const labels = rows.map((r) => dims.map((d) => label(r[d.name])).join(" / "));
  const horizontal = type === "bar" && (rows.length > 6 || labels.some((l) => l.length > 14));
  const ax = axesFor(measures, additive, horizontal);
  const datasets = measures.map((m, i) => styled({ label: ax.legend(m), unit: m, data: rows.map((r) => r[m.name]), [ax.idKey]: ax.axisOf(m) },
    type, PALETTE[i % PALETTE.length], []));
  kind(type, `${measures.map((m) => m.label).join(", ")} by ${dims.map((d) => d.label).join(" and ")}${result.rows.length > MAX_BARS ? ` (first ${MAX_BARS} rows)` : ""}`);
  showNote("");
  drawChart("explore", {
    type,
    data: { labels, datasets },
    options: {
      indexAxis: horizontal ? "y" : "x",
      plugins: { legend: { display: measures.length > 1 } },
      // a long label is shortened on the axis (its tooltip shows it whole), so a phone still has room for the bars
      scales: {
        ...ax.scales,
        ...(horizontal ? { y: { ticks: { callback(v) { return shortLabel(this.getLabelForValue(v), this.chart.width); } } } } : {}),
      },
    },
  }, ax.mainUnit);
}

function nothing(message, state = "empty") {
  kind("none", "Chart");
  showNote("");
  return showEmpty("explore", message, state);
}

/** Draw the chart that fits the result of `query` and the chart controls; `detail` is its model's description. */
export function autoChart(query, result, detail) {
  numbers.hidden = true;
  const dimNames = new Set(query.dimensions ?? []);
  const dims = result.columns.filter((c) => dimNames.has(c.name) || (query.time_grain && TIME.has(c.type)));
  const asked = new Set(query.measures ?? []);
  const measures = result.columns.filter((c) => asked.has(c.name));
  const docs = new Map((detail?.measures ?? []).map((m) => [m.name, m]));
  const additive = (m) => docs.get(m.name)?.additive ?? !RATIOS.has(m.format);
  if (!result.rows.length || !measures.length || !dims.length || dims.length > 2) hideControls();
  if (!result.rows.length) return nothing("No rows: nothing matches this query, so there is nothing to draw.");
  if (!measures.length) return nothing("No chart: pick a measure to draw (a list of dimension values is shown as a table).");
  if (!dims.length) {
    kind("number", measures.map((m) => m.label).join(", "));
    showNote("");
    return showNumbers(result, measures);
  }
  if (dims.length > 2) return nothing("No chart for three or more dimensions: the table shows every row.");
  offerMeasures(measures);
  const choice = chartChoice();
  if (choice.type === "table") {
    nothing("No chart: the table alone was chosen (Chart type above).");
    card.dataset.kind = "table";
    return undefined;
  }
  const drawn = measures.filter((m) => choice.drawn.has(m.name));
  if (!drawn.length) return nothing("No measure drawn: tick one under Measures drawn.");
  const time = dims.find((d) => TIME.has(d.type));
  if (time) return timeChart(query, result, time, dims.find((d) => d !== time), drawn, choice.type === "bar" ? "bar" : "line", additive);
  return categoryChart(result, dims, drawn, choice.type === "line" ? "line" : "bar", additive);
}

/** Before a result (or after an error): an empty chart card with a message. */
export function clearChart(message, state = "empty") {
  numbers.hidden = true;
  hideControls();
  nothing(message, state);
}

// The explorer's automatic chart, chosen from the result's shape: a time column → line (one series per value
// of a second dimension, or per measure); categories → bar; measures alone → numbers; otherwise it says why not.
import { drawChart, PALETTE, showEmpty } from "./charts.js";
import { formatValue, label } from "./format.js";

const MAX_SERIES = 10;
const MAX_BARS = 40;
const TIME = new Set(["date", "timestamp"]);

const card = document.querySelector('[data-chart="explore"]');
const numbers = document.getElementById("numbers");
const title = document.getElementById("chart-title");
const box = card.querySelector(".chart-box"); // shown only while a chart is drawn, so no empty frame stands

function kind(k, text) {
  card.dataset.kind = k;
  box.hidden = k !== "line" && k !== "bar";
  title.textContent = text;
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

/** Measures sharing the first one's unit, so one axis reads true; the others are named in the title. */
function sameUnit(measures) {
  const first = measures[0];
  return measures.filter((m) => m.format === first.format && m.currency === first.currency);
}

function lineChart(result, time, dims, measures) {
  const xs = [...new Set(result.rows.map((r) => r[time.name]))].sort();
  const at = new Map(xs.map((x, i) => [x, i]));
  const other = dims.find((d) => d !== time);
  let datasets;
  const ys = sameUnit(measures);
  if (other) {
    const y = measures[0];
    const totals = new Map();
    for (const r of result.rows) totals.set(r[other.name], (totals.get(r[other.name]) ?? 0) + (r[y.name] ?? 0));
    const series = [...totals].sort((a, b) => b[1] - a[1]).slice(0, MAX_SERIES).map(([v]) => v);
    datasets = series.map((s, i) => {
      const data = new Array(xs.length).fill(null);
      for (const r of result.rows) if (r[other.name] === s) data[at.get(r[time.name])] = r[y.name];
      return { label: label(s), data, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length] };
    });
    kind("line", `${y.label} by ${time.label} and ${other.label}${totals.size > MAX_SERIES ? ` (top ${MAX_SERIES})` : ""}`);
  } else {
    datasets = ys.map((m, i) => {
      const data = new Array(xs.length).fill(null);
      for (const r of result.rows) data[at.get(r[time.name])] = r[m.name];
      return { label: m.label, data, borderColor: PALETTE[i % PALETTE.length], backgroundColor: PALETTE[i % PALETTE.length] };
    });
    kind("line", `${ys.map((m) => m.label).join(", ")} by ${time.label}`);
  }
  for (const d of datasets) Object.assign(d, { pointRadius: xs.length > 60 ? 0 : 2, tension: 0.2, spanGaps: false });
  drawChart("explore", { type: "line", data: { labels: xs, datasets }, options: { scales: { x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } } } } }, measures[0]);
}

function shortLabel(text, chartWidth) {
  const most = chartWidth < 600 ? 22 : 48;
  return text.length > most ? `${text.slice(0, most - 1)}…` : text;
}

function barChart(result, dims, measures) {
  const ys = sameUnit(measures);
  const rows = result.rows.slice(0, MAX_BARS);
  const labels = rows.map((r) => dims.map((d) => label(r[d.name])).join(" / "));
  const datasets = ys.map((m, i) => ({ label: m.label, data: rows.map((r) => r[m.name]), backgroundColor: PALETTE[i % PALETTE.length] }));
  kind("bar", `${ys.map((m) => m.label).join(", ")} by ${dims.map((d) => d.label).join(" and ")}${result.rows.length > MAX_BARS ? ` (first ${MAX_BARS} rows)` : ""}`);
  const horizontal = rows.length > 6 || labels.some((l) => l.length > 14);
  drawChart("explore", {
    type: "bar",
    data: { labels, datasets },
    options: {
      indexAxis: horizontal ? "y" : "x",
      plugins: { legend: { display: ys.length > 1 } },
      // a long label is shortened on the axis (its tooltip shows it whole), so a phone still has room for the bars
      scales: horizontal ? { y: { ticks: { callback(v) { return shortLabel(this.getLabelForValue(v), this.chart.width); } } } } : {},
    },
  }, measures[0]);
}

/** Draw the chart that fits the result of `query` (or say why there is none). */
export function autoChart(query, result) {
  numbers.hidden = true;
  const dimNames = new Set(query.dimensions ?? []);
  const dims = result.columns.filter((c) => dimNames.has(c.name) || (query.time_grain && TIME.has(c.type)));
  const asked = new Set(query.measures ?? []);
  const measures = result.columns.filter((c) => asked.has(c.name));
  if (!result.rows.length) {
    kind("none", "Chart");
    return showEmpty("explore", "No rows: nothing matches this query, so there is nothing to draw.");
  }
  if (!measures.length) {
    kind("none", "Chart");
    return showEmpty("explore", "No chart: pick a measure to draw (a list of dimension values is shown as a table).");
  }
  if (!dims.length) {
    kind("number", measures.map((m) => m.label).join(", "));
    return showNumbers(result, measures);
  }
  const time = dims.find((d) => TIME.has(d.type));
  if (time && dims.length <= 2) return lineChart(result, time, dims, measures);
  if (dims.length <= 2) return barChart(result, dims, measures);
  kind("none", "Chart");
  return showEmpty("explore", "No chart for three or more dimensions: the table shows every row.");
}

/** Before a result (or after an error): an empty chart card with a message. */
export function clearChart(message, state = "empty") {
  numbers.hidden = true;
  kind("none", "Chart");
  showEmpty("explore", message, state);
}

// Chart.js (from npm, resolved by the page's import map) with the dashboard's shared look:
// no animation (charts are read, not watched), axis ticks and tooltips in the column's unit.
import { Chart, registerables } from "chart.js";
import { formatDay, formatValue } from "./format.js";
import { setBusy } from "./skeleton.js";

Chart.register(...registerables);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
Chart.defaults.color = "#3d4451";

export const PALETTE = ["#2563eb", "#f97316", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#ca8a04", "#db2777",
  "#4b5563", "#65a30d"];

const charts = new Map();

/** A hatched fill of `color`: what marks a partial period's bar (its total covers only part of the period). */
export function hatch(color) {
  const tile = document.createElement("canvas");
  tile.width = tile.height = 8;
  const g = tile.getContext("2d");
  g.fillStyle = `${color}40`; // the colour, light (#rrggbb + alpha)
  g.fillRect(0, 0, 8, 8);
  g.strokeStyle = color;
  g.lineWidth = 2;
  g.beginPath();
  for (const d of [-8, 0, 8]) {
    g.moveTo(d, 8);
    g.lineTo(d + 8, 0);
  }
  g.stroke();
  return g.createPattern(tile, "repeat");
}

/** Draw (or redraw) the chart of a dashboard card; `unit` is the result column whose format the values have. */
export function drawChart(id, config, unit) {
  const card = document.querySelector(`[data-chart="${id}"]`);
  const canvas = card.querySelector("canvas");
  const empty = card.querySelector('[data-role="empty"]');
  charts.get(id)?.destroy();
  charts.delete(id);
  canvas.hidden = false;
  empty.hidden = true;
  const tick = (v) => formatValue(v, unit, { compact: true });
  const valueAxis = config.options?.indexAxis === "y" ? "x" : "y";
  const options = {
    responsive: true,
    interaction: { mode: "index", intersect: false },
    plugins: {
      legend: { position: "bottom", labels: { boxWidth: 12 } },
      tooltip: {
        callbacks: {
          label: (ctx) => {
            const raw = typeof ctx.raw === "object" && ctx.raw !== null ? ctx.parsed[valueAxis] : ctx.raw;
            // a series of other days drawn on this axis (the previous period) names its own day
            const day = ctx.dataset.days?.[ctx.dataIndex];
            const name = `${ctx.dataset.label ?? ctx.label}${day ? ` (${formatDay(day)})` : ""}`;
            return `${name}: ${formatValue(raw, ctx.dataset.unit ?? unit)}`;
          },
        },
      },
    },
    ...config.options,
  };
  if (config.type !== "doughnut") {
    options.scales = {
      ...options.scales,
      [valueAxis]: { beginAtZero: true, ...options.scales?.[valueAxis], ticks: { callback: tick } },
    };
  }
  charts.set(id, new Chart(canvas, { ...config, options }));
  card.dataset.state = "ready";
  setBusy(card, false);
}

/** A card with nothing to draw says why, instead of an empty frame. */
export function showEmpty(id, message, state = "empty") {
  const card = document.querySelector(`[data-chart="${id}"]`);
  charts.get(id)?.destroy();
  charts.delete(id);
  card.querySelector("canvas").hidden = true;
  const empty = card.querySelector('[data-role="empty"]');
  empty.textContent = message;
  empty.hidden = false;
  empty.classList.toggle("error", state === "error");
  card.dataset.state = state;
  setBusy(card, false);
}

export function setLoading(id) {
  const card = document.querySelector(`[data-chart="${id}"]`);
  card.dataset.state = "loading";
  setBusy(card, true);
}

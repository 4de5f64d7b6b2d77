// The funnel card: sessions reaching each configured step, drawn as bars, with a table of each step's share of
// the first step (sessions) and the share lost since the step before.
import { model, query } from "./api.js";
import { drawChart, PALETTE, showEmpty } from "./charts.js";
import { el } from "./dom.js";
import { formatValue } from "./format.js";
import { col } from "./result.js";

const ID = "funnel";
const PERCENT = { format: "percent" };
const table = document.getElementById("funnel-steps");

/** Each step's count, share of the first step and share lost from the previous one (null for the first). */
export function funnelSteps(labels, values) {
  return values.map((value, i) => ({
    label: labels[i],
    value,
    ofFirst: values[0] ? value / values[0] : null,
    lost: i && values[i - 1] ? (values[i - 1] - value) / values[i - 1] : null,
  }));
}

function fillSteps(steps, unit) {
  const cell = (key, value, text) => el("td", { className: "num", "data-col": key, "data-value": value ?? "", text });
  table.tBodies[0].replaceChildren(
    ...steps.map((s) => el("tr", {},
      el("th", { scope: "row", text: s.label }),
      cell("value", s.value, formatValue(s.value, unit)),
      cell("of-first", s.ofFirst, formatValue(s.ofFirst, PERCENT)),
      cell("lost", s.lost, formatValue(s.lost, PERCENT)))),
  );
  table.hidden = false;
}

export async function funnel(tenant, dateRange) {
  table.hidden = true;
  const detail = await model(tenant, "sessions");
  const stepMeasures = detail.measures.filter((m) => /^funnel_step_\d+$/.test(m.name));
  if (!stepMeasures.length) return showEmpty(ID, "No funnel steps are configured for this tenant.");
  const result = await query(tenant, { model: "sessions", measures: ["sessions", ...stepMeasures.map((s) => s.name)], date_range: dateRange });
  const row = result.rows[0] ?? {};
  if (!row.sessions) return showEmpty(ID, "No sessions in this period.");
  const labels = ["Sessions", ...stepMeasures.map((s) => s.label.replace(/^Funnel step (\d+) \((.*)\)$/, "$1. $2"))];
  const steps = funnelSteps(labels, [row.sessions, ...stepMeasures.map((s) => row[s.name] ?? 0)]);
  const unit = col(result, "sessions");
  drawChart(ID, {
    type: "bar",
    data: { labels, datasets: [{ label: "Sessions", data: steps.map((s) => s.value), backgroundColor: steps.map((_, i) => PALETTE[i % PALETTE.length]) }] },
    options: {
      indexAxis: "y",
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            afterLabel: (ctx) => {
              const s = steps[ctx.dataIndex];
              return ctx.dataIndex ? `${formatValue(s.ofFirst, PERCENT)} of sessions, ${formatValue(s.lost, PERCENT)} lost since the step before` : "";
            },
          },
        },
      },
    },
  }, unit);
  fillSteps(steps, unit);
}

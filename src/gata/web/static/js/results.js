// A local query's result: a table (text only, first rows) and a chart chosen from its shape: a line over a
// date column, bars over a text column, nothing for a single value or rows without a number.
import { drawChart, showEmpty } from "./charts.js";

const SHOWN = 200;

function fillResultTable(section, { columns, rows }) {
  const table = section.querySelector("table");
  const head = document.createElement("tr");
  for (const c of columns) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = c.name;
    if (c.kind === "number") th.className = "num";
    head.append(th);
  }
  table.tHead.replaceChildren(head);
  const body = table.tBodies[0];
  body.replaceChildren(...rows.slice(0, SHOWN).map((row) => {
    const tr = document.createElement("tr");
    row.forEach((v, i) => {
      const td = document.createElement("td");
      td.dataset.col = columns[i].name;
      if (columns[i].kind === "number") {
        td.className = "num";
        td.textContent = v === null ? "–" : v.toLocaleString(undefined, { maximumFractionDigits: 4 });
      } else td.textContent = v ?? "–";
      tr.append(td);
    });
    return tr;
  }));
  table.hidden = false;
}

function chartFor({ columns, rows }) {
  const measures = columns.map((c, i) => [c, i]).filter(([c]) => c.kind === "number").slice(0, 3);
  const dim = columns.findIndex((c) => c.kind !== "number");
  if (!measures.length || dim < 0 || rows.length < 2 || rows.length > 500) return null;
  const overTime = ["date", "timestamp"].includes(columns[dim].kind);
  const colors = ["#2563eb", "#f97316", "#16a34a"];
  return {
    type: overTime ? "line" : "bar",
    data: {
      labels: rows.map((r) => r[dim] ?? "(null)"),
      datasets: measures.map(([c, i], k) => ({ label: c.name, data: rows.map((r) => r[i]), borderColor: colors[k],
        backgroundColor: colors[k], pointRadius: 0 })),
    },
    options: overTime || rows.length <= 12 ? {} : { indexAxis: "y" },
  };
}

/** Show `result` in the result card; `meta` says where it came from and how long it took. */
export function showResult(section, result, meta) {
  section.querySelector('[data-role="error"]').hidden = true;
  fillResultTable(section, result);
  const more = result.rows.length > SHOWN ? `, first ${SHOWN} shown` : "";
  section.querySelector('[data-role="meta"]').textContent =
    `${result.rows.length.toLocaleString()} row${result.rows.length === 1 ? "" : "s"}${more} · ${meta}`;
  section.dataset.rows = result.rows.length;
  const config = chartFor(result);
  if (config) drawChart("result", config, { format: "number" });
  else showEmpty("result", "No chart: the result needs a text or date column and a number, over 2 to 500 rows.");
  section.dataset.state = "ready";
}

export function showError(section, message) {
  const error = section.querySelector('[data-role="error"]');
  error.textContent = message;
  error.hidden = false;
  section.querySelector("table").hidden = true;
  section.querySelector('[data-role="meta"]').textContent = "";
  showEmpty("result", "No result.");
  section.dataset.state = "error";
}

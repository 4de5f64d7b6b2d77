// The explorer's result: the table (formatted for reading, raw values kept in data-value), a summary line, the
// SQL the semantic layer ran, and the CSV of exactly these rows.
import { download, toCsv } from "./csv.js";
import { formatValue, label } from "./format.js";
import { failTable, fillTable } from "./table.js";

const section = document.querySelector('[data-part="result"]');
const table = document.getElementById("result");
const summary = document.getElementById("result-summary");
const notes = document.getElementById("result-notes");
const sql = document.getElementById("sql");
const csvButton = document.getElementById("csv");
const NUMERIC = new Set(["integer", "number"]);

let shown = null; // {columns, rows, name}

function raw(value) {
  return value === null || value === undefined ? "" : String(value);
}

/** A text value as people read it (codes become labels: the raw value stays in data-value and the CSV). */
function shownValue(value, column) {
  return column.format === "text" && value !== null && value !== undefined ? label(value) : formatValue(value, column);
}

export function showResult(query, result, name) {
  const head = table.querySelector("thead tr");
  head.replaceChildren(
    ...result.columns.map((c) => {
      const th = document.createElement("th");
      th.scope = "col";
      th.textContent = c.label;
      th.title = c.name;
      th.dataset.col = c.name;
      if (NUMERIC.has(c.type)) th.className = "num";
      return th;
    }),
  );
  fillTable(section, result.rows, (row) => result.columns.map((c) => [
    shownValue(row[c.name], c), { num: NUMERIC.has(c.type), col: c.name, value: raw(row[c.name]) },
  ]), "No rows: nothing matches this query. Widen the period or remove a filter.");
  const limited = result.row_count >= query.limit;
  summary.textContent = `${result.row_count.toLocaleString()} row${result.row_count === 1 ? "" : "s"}` +
    (result.date_range ? `, ${result.date_range.start} to ${result.date_range.end}` : "") +
    `, ${Math.round(result.elapsed_ms)} ms${result.cached ? " (cached)" : ""}` +
    (limited ? `. The row limit (${query.limit}) was reached: raise it to see more.` : ".");
  // what the figures need to be read right: days platforms still restate, how far back "new" sees
  notes.replaceChildren(...(result.notes ?? []).map((n) => Object.assign(document.createElement("li"), { textContent: n })));
  notes.hidden = !notes.childElementCount;
  sql.textContent = result.sql;
  shown = { columns: result.columns, rows: result.rows, name };
  csvButton.disabled = !result.rows.length;
}

export function failResult(message) {
  failTable(section, message);
  summary.textContent = "";
  notes.replaceChildren();
  notes.hidden = true;
  sql.textContent = "";
  shown = null;
  csvButton.disabled = true;
}

csvButton.addEventListener("click", () => {
  if (shown) download(`${shown.name}.csv`, toCsv(shown.columns, shown.rows));
});

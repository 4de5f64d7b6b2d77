// The automatic profiler: per column of a loaded table, its type, nulls, distinct count, min/max, top values
// and a histogram (numbers and dates) or a bar chart of its commonest values, all computed by DuckDB-WASM.
import { drawChart, showEmpty } from "./charts.js";
import { quoteIdent, run } from "./localdb.js";

const BINS = 20;
const nested = (type) => /[\[\]<>(]|STRUCT|MAP|UNION/i.test(type) && !/^DECIMAL/i.test(type);
const numeric = (type) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|DOUBLE|REAL|DECIMAL)/i.test(type);
const temporal = (type) => /^(DATE|TIMESTAMP)/i.test(type);

/** Counts, nulls, distinct counts and min/max of every column in one scan. */
async function stats(conn, table, columns) {
  const exprs = columns.flatMap(({ name, type }) => {
    const c = nested(type) ? `CAST(${quoteIdent(name)} AS VARCHAR)` : quoteIdent(name);
    return [`count(*) - count(${c})`, `count(DISTINCT ${c})`, `CAST(min(${c}) AS VARCHAR)`, `CAST(max(${c}) AS VARCHAR)`];
  });
  const { rows } = await run(conn, `SELECT count(*), ${exprs.join(", ")} FROM ${quoteIdent(table)}`);
  const r = rows[0];
  return columns.map((col, i) => ({ ...col, rows: r[0], nulls: r[1 + 4 * i], distinct: r[2 + 4 * i],
    min: r[3 + 4 * i], max: r[4 + 4 * i] }));
}

async function topValues(conn, table, { name, type }) {
  const c = nested(type) || !/^VARCHAR|^BOOLEAN/i.test(type) ? `CAST(${quoteIdent(name)} AS VARCHAR)` : quoteIdent(name);
  const { rows } = await run(conn, `SELECT ${c} AS v, count(*) AS n FROM ${quoteIdent(table)} ` +
    "GROUP BY v ORDER BY n DESC, v NULLS LAST LIMIT 5");
  return rows;
}

/** Equal-width bins over [min, max] (dates and timestamps as epoch seconds). */
async function histogram(conn, table, { name, type }) {
  const x = temporal(type) ? `epoch(${quoteIdent(name)})` : `CAST(${quoteIdent(name)} AS DOUBLE)`;
  const { rows } = await run(conn, `WITH v AS (SELECT ${x} AS x FROM ${quoteIdent(table)} WHERE ${quoteIdent(name)} IS NOT NULL),
    r AS (SELECT min(x) AS lo, max(x) AS hi FROM v)
    SELECT least(CAST(floor((x - lo) / ((hi - lo) / ${BINS})) AS INTEGER), ${BINS - 1}) AS bin, count(*) AS n,
      any_value(lo) AS lo, any_value(hi) AS hi
    FROM v, r WHERE hi > lo GROUP BY bin ORDER BY bin`);
  if (!rows.length) return null;
  const [, , lo, hi] = rows[0];
  const width = (hi - lo) / BINS;
  const counts = new Array(BINS).fill(0);
  for (const [bin, n] of rows) counts[bin] = n;
  const edge = (i) => {
    const v = lo + i * width;
    if (!temporal(type)) return Number(v.toPrecision(4)).toLocaleString();
    return new Date(v * 1000).toISOString().slice(0, /^DATE$/i.test(type) ? 10 : 16).replace("T", " ");
  };
  return { labels: counts.map((_, i) => edge(i)), counts };
}

function fact(dl, key, label, value) {
  const dt = document.createElement("dt");
  dt.textContent = label;
  const dd = document.createElement("dd");
  dd.dataset.stat = key;
  dd.textContent = value === null || value === undefined ? "–" : String(value);
  dl.append(dt, dd);
}

function card(col, index) {
  const article = document.createElement("article");
  article.className = "card column-profile";
  article.dataset.column = col.name;
  const h3 = document.createElement("h3");
  h3.textContent = col.name;
  const type = document.createElement("span");
  type.className = "badge";
  type.dataset.stat = "type";
  type.textContent = col.type;
  h3.append(" ", type);
  const dl = document.createElement("dl");
  dl.className = "facts";
  fact(dl, "nulls", "Nulls", `${col.nulls.toLocaleString()} of ${col.rows.toLocaleString()}`);
  dl.lastChild.dataset.value = col.nulls;
  fact(dl, "distinct", "Distinct", col.distinct.toLocaleString());
  dl.lastChild.dataset.value = col.distinct;
  fact(dl, "min", "Min", col.min);
  fact(dl, "max", "Max", col.max);
  const top = document.createElement("ol");
  top.className = "top-values";
  top.setAttribute("aria-label", `Commonest values of ${col.name}`);
  const figure = document.createElement("figure");
  figure.className = "chart mini";
  figure.dataset.chart = `profile-${index}`;
  figure.innerHTML = '<div class="chart-box"><canvas role="img"></canvas></div><p class="empty" data-role="empty" hidden></p>';
  figure.querySelector("canvas").setAttribute("aria-label", `Distribution of ${col.name}`);
  article.append(h3, dl, top, figure);
  return article;
}

/** Profile every column of `table` into `container`; resolves when every card is filled. */
export async function profileTable(conn, table, columns, container) {
  container.replaceChildren();
  const cols = await stats(conn, table, columns);
  const cards = cols.map((col, i) => card(col, i));
  container.append(...cards);
  for (const [i, col] of cols.entries()) {
    const top = await topValues(conn, table, col);
    cards[i].querySelector(".top-values").replaceChildren(...top.map(([v, n]) => {
      const li = document.createElement("li");
      li.textContent = `${v ?? "(null)"}: ${n.toLocaleString()}`;
      return li;
    }));
    const id = `profile-${i}`;
    const hist = numeric(col.type) || temporal(col.type) ? await histogram(conn, table, col) : null;
    if (hist) {
      drawChart(id, { type: "bar", data: { labels: hist.labels, datasets: [{ label: "rows", data: hist.counts,
        backgroundColor: "#2563eb", barPercentage: 1, categoryPercentage: 1 }] },
        options: { plugins: { legend: { display: false } }, scales: { x: { ticks: { maxTicksLimit: 4 } } } } },
        { format: "integer" });
    } else if (top.length && !nested(col.type)) {
      drawChart(id, { type: "bar", data: { labels: top.map(([v]) => v ?? "(null)"), datasets: [{ label: "rows",
        data: top.map(([, n]) => n), backgroundColor: "#f97316" }] },
        options: { indexAxis: "y", plugins: { legend: { display: false } } } }, { format: "integer" });
    } else {
      showEmpty(id, col.distinct <= 1 ? "One value only." : "No chart for this type.");
    }
  }
}

// The local question reader: a few rules turn "top 5 campaign_name by spend" into a structured query
// {table, measures, dimensions, filters, order, limit} over the tables loaded in the browser. The same
// validation and compiler serve any producer of that JSON (the rules here, or an in-browser model), so an
// unknown column is a clear message, never SQL that fails somewhere else.
import { quoteIdent, quoteLiteral } from "./localdb.js";

export const AGGS = ["sum", "avg", "min", "max", "median", "count", "count_distinct"];
const OPS = ["=", "!=", ">", ">=", "<", "<="];
const GRAINS = { hour: "hour", hourly: "hour", day: "day", daily: "day", date: "day", week: "week", weekly: "week",
  month: "month", monthly: "month", quarter: "quarter", year: "year", yearly: "year" };
const AGG_WORDS = { total: "sum", sum: "sum", average: "avg", avg: "avg", mean: "avg", max: "max", maximum: "max",
  highest: "max", min: "min", minimum: "min", lowest: "min", median: "median" };
// business words -> columns of the star tables, first existing one wins
const SYNONYMS = {
  revenue: ["revenue", "net_revenue_reporting", "net_revenue", "revenue_reporting", "session_revenue_reporting",
    "session_revenue", "ecommerce_revenue"],
  "conversion value": ["conversions_value_reporting", "conversions_value"],
  "order value": ["net_revenue_reporting", "net_revenue", "total_price_reporting", "total_price"],
  sales: ["total_price_reporting", "total_price", "net_revenue_reporting"],
  spend: ["spend_reporting", "spend"],
  cost: ["spend_reporting", "spend"],
  budget: ["daily_budget"],
  channel: ["traffic_medium", "landing_medium", "source_platform"],
  medium: ["traffic_medium", "landing_medium"],
  source: ["traffic_source", "landing_source", "source_platform"],
  platform: ["source_platform"],
  campaign: ["campaign_name", "traffic_campaign", "landing_campaign", "campaign_id"],
  device: ["device_category"],
  country: ["geo_country"],
  event: ["event_name"],
  status: ["financial_status", "campaign_status"],
  duration: ["session_duration_seconds"],
};

const isNumeric = (type) => /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|DOUBLE|REAL|DECIMAL)/i.test(type);
const isTemporal = (type) => /^(DATE|TIMESTAMP)/i.test(type);

export class QueryError extends Error {}

const norm = (s) => s.toLowerCase().replace(/[^a-z0-9_.\s<>=!'"-]/g, " ").replace(/\s+/g, " ").trim();
const singular = (w) => w.replace(/ies$/, "y").replace(/(?<!s)s$/, "");

/** The column of `columns` a phrase names, or null. */
function resolveColumn(phrase, columns) {
  const names = columns.map((c) => c.name);
  const p = phrase.trim();
  for (const cand of [p, p.replaceAll(" ", "_"), singular(p).replaceAll(" ", "_")]) {
    if (names.includes(cand)) return cand;
  }
  for (const key of [p, singular(p)]) {
    const hit = (SYNONYMS[key] ?? []).find((c) => names.includes(c));
    if (hit) return hit;
  }
  const tail = names.find((n) => n === `${p.replaceAll(" ", "_")}_reporting` || n === `${singular(p)}_name`);
  return tail ?? null;
}

function tableNamed(phrase, tables) {
  const p = phrase.replaceAll(" ", "_");
  return [...tables.keys()].find((t) => t === p || singular(t) === singular(p) || t === `${p}_performance`) ?? null;
}

function parseMeasure(text) {
  const t = text.trim();
  let m = t.match(/^(?:how many|number of|count of|count)\s*(.*)$/);
  if (m) return { agg: "count", phrase: m[1].trim() };
  m = t.match(/^(?:distinct|unique)\s+(.*)$/);
  if (m) return { agg: "count_distinct", phrase: m[1].trim() };
  const [first, ...rest] = t.split(" ");
  if (AGG_WORDS[first]) return { agg: AGG_WORDS[first], phrase: rest.join(" ").replace(/^of /, "") };
  return { agg: null, phrase: t };
}

function parseDimension(text) {
  const t = text.trim();
  return GRAINS[t] ? { grain: GRAINS[t] } : { phrase: t };
}

/** The parts of a question before any table is chosen: measure and dimension phrases, filters, order, limit. */
function parts(question) {
  let q = norm(question).replace(/^(show|give|list|what is|what are|what's|me)\s+/g, "").replace(/^(me|the)\s+/, "");
  const out = { measures: [], dimensions: [], filters: [], limit: null, direction: null };
  const where = q.match(/\s+(?:where|when|with)\s+(.+)$/);
  if (where) {
    q = q.slice(0, where.index);
    for (const cond of where[1].split(/\s+and\s+/)) {
      const m = cond.match(/^(.+?)\s*(>=|<=|!=|=|>|<|is not|is|equals)\s*(.+)$/);
      if (!m) throw new QueryError(`I could not read the condition "${cond}": write it as "column = value".`);
      const op = { is: "=", equals: "=", "is not": "!=" }[m[2]] ?? m[2];
      out.filters.push({ phrase: m[1].trim(), op, value: m[3].trim().replace(/^['"]|['"]$/g, "") });
    }
  }
  const top = q.match(/^(top|bottom|first)\s+(\d+)\s+/);
  if (top) {
    out.limit = Number(top[2]);
    out.direction = top[1] === "bottom" ? "asc" : "desc";
    q = q.slice(top[0].length);
  }
  const [left, right] = q.split(/\s+(?:by|per|for each|grouped by)\s+/);
  // "top 5 campaigns by spend": the ranked thing is the dimension, what follows "by" the measure
  const [measureText, dimText] = top && right ? [right, left] : [left, right ?? ""];
  out.measures = measureText.split(/\s*(?:,|\band\b)\s*/).filter(Boolean).map(parseMeasure);
  out.dimensions = dimText.split(/\s*(?:,|\band\b)\s*/).filter(Boolean).map(parseDimension);
  return out;
}

/** Read a question into a structured query over the loaded `tables` (Map name -> columns). */
export function readQuestion(question, tables, preferred) {
  if (!tables.size) throw new QueryError("Load a table first: questions are answered from the tables in this page.");
  const p = parts(question);
  const candidates = [...tables.keys()].sort((a, b) => (b === preferred) - (a === preferred));
  let best = null;
  for (const table of candidates) {
    const attempt = buildFor(table, tables.get(table), p, tables);
    const mentioned = norm(question).includes(table.replaceAll("_", " ")) || norm(question).includes(table);
    const score = attempt.unresolved.length * -10 + (mentioned ? 1 : 0) + (attempt.countsTable ? 5 : 0);
    if (!best || score > best.score) best = { ...attempt, score };
  }
  return best.query; // unresolved phrases stay as written: validation names them
}

function buildFor(table, columns, p, tables) {
  const unresolved = [];
  let countsTable = false;
  const col = (phrase) => {
    const c = resolveColumn(phrase, columns);
    if (!c) unresolved.push(phrase);
    return c ?? phrase.replaceAll(" ", "_");
  };
  const measures = p.measures.map(({ agg, phrase }) => {
    if (agg === "count" && (!phrase || phrase === "rows" || phrase === "row")) return { column: "*", agg: "count" };
    if (agg === "count") {
      if (tableNamed(phrase, tables) === table) {
        countsTable = true;
        return { column: "*", agg: "count" };
      }
      return { column: col(phrase), agg: "count_distinct" };
    }
    const column = col(phrase);
    const type = columns.find((c) => c.name === column)?.type ?? "";
    return { column, agg: agg ?? (isNumeric(type) ? "sum" : "count_distinct") };
  });
  const temporal = columns.find((c) => /^DATE$/i.test(c.type)) ?? columns.find((c) => isTemporal(c.type));
  const dimensions = p.dimensions.map((d) => {
    if (d.grain) {
      if (!temporal) unresolved.push(`a date column for "by ${d.grain}"`);
      return { column: temporal?.name ?? "date", grain: d.grain };
    }
    return { column: col(d.phrase) };
  });
  const filters = p.filters.map((f) => ({ column: col(f.phrase), op: f.op, value: f.value }));
  const query = { table, measures, dimensions, filters, order: [], limit: p.limit ?? 1000 };
  if (dimensions.some((d) => d.grain)) query.order.push({ by: alias(dimensions.find((d) => d.grain)), direction: "asc" });
  else if (measures.length && dimensions.length) {
    query.order.push({ by: alias(measures[0]), direction: p.direction ?? "desc" });
  }
  return { query, unresolved, countsTable };
}

/** The result column name of a measure or dimension. */
export function alias(item) {
  if (item.grain) return item.grain;
  if (item.agg === undefined) return item.column;
  if (item.agg === "count" && item.column === "*") return "count";
  return `${item.agg}_${item.column}`;
}

/** Check a structured query against the loaded tables; a list of clear messages, empty when it is valid. */
export function validate(query, tables) {
  const errors = [];
  if (!query || typeof query !== "object" || Array.isArray(query)) return ["The query must be a JSON object."];
  const columns = tables.get(query.table);
  if (!columns) return [`Unknown table '${query.table}'; loaded tables: ${[...tables.keys()].join(", ") || "none"}.`];
  const names = columns.map((c) => c.name);
  const typeOf = (c) => columns.find((x) => x.name === c)?.type;
  const unknown = [];
  const known = (c, where) => {
    if (!names.includes(c)) unknown.push(`'${c}' (${where})`);
    return names.includes(c);
  };
  const measures = query.measures ?? [];
  const dimensions = query.dimensions ?? [];
  const lists = [measures, dimensions, query.filters ?? [], query.order ?? []];
  if (!lists.every(Array.isArray)) return ["measures, dimensions, filters and order must be lists."];
  // a model's JSON may hold anything: each item must be an object before its fields are read
  if (!lists.flat().every((x) => x && typeof x === "object" && !Array.isArray(x))) {
    return ["Each measure, dimension, filter and order must be an object."];
  }
  if (!measures.length && !dimensions.length) errors.push("Ask for at least one measure or dimension.");
  for (const m of measures) {
    if (!AGGS.includes(m.agg)) errors.push(`Unknown aggregation '${m.agg}'; use one of ${AGGS.join(", ")}.`);
    else if (m.column === "*" && m.agg !== "count") errors.push(`'${m.agg}' needs a column, not '*'.`);
    else if (m.column !== "*" && known(m.column, "measure") && ["sum", "avg", "median"].includes(m.agg)
      && !isNumeric(typeOf(m.column))) {
      errors.push(`'${m.column}' is ${typeOf(m.column)}, not a number: it cannot be ${m.agg === "sum" ? "summed" : "averaged"}.`);
    }
  }
  for (const d of dimensions) {
    if (known(d.column, "dimension") && d.grain !== undefined) {
      if (!Object.values(GRAINS).includes(d.grain)) errors.push(`Unknown time grain '${d.grain}'.`);
      else if (!isTemporal(typeOf(d.column))) errors.push(`'${d.column}' is not a date: it has no ${d.grain}.`);
    }
  }
  for (const f of query.filters ?? []) {
    known(f.column, "filter");
    if (!OPS.includes(f.op)) errors.push(`Unknown operator '${f.op}'; use one of ${OPS.join(" ")}.`);
    if (isNumeric(typeOf(f.column)) && !Number.isFinite(Number(f.value))) {
      errors.push(`'${f.column}' is a number; '${f.value}' is not.`);
    }
  }
  if (unknown.length) {
    errors.unshift(`Unknown column${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} in '${query.table}'; ` +
      `its columns: ${names.join(", ")}.`);
  }
  const outputs = [...dimensions, ...measures].map(alias);
  for (const o of query.order ?? []) {
    if (!outputs.includes(o.by)) errors.push(`Cannot order by '${o.by}': not one of ${outputs.join(", ")}.`);
    if (!["asc", "desc"].includes(o.direction)) errors.push(`Order direction must be 'asc' or 'desc'.`);
  }
  if (query.limit !== undefined && !(Number.isInteger(query.limit) && query.limit >= 1 && query.limit <= 100000)) {
    errors.push("limit must be a whole number from 1 to 100000.");
  }
  return errors;
}

function measureSql(m) {
  const c = m.column === "*" ? "*" : quoteIdent(m.column);
  if (m.agg === "count_distinct") return `count(DISTINCT ${c})`;
  return `${m.agg}(${c})`;
}

/** The one way any producer's structured query becomes SQL: validated against `tables`, then compiled.
 * Throws a QueryError with every validation message. */
export function prepare(query, tables) {
  const errors = validate(query, tables);
  if (errors.length) throw new QueryError(errors.join(" "));
  return compile(query, tables);
}

/** SQL for a valid structured query (names quoted, values as literals). */
export function compile(query, tables) {
  const columns = tables.get(query.table);
  const numeric = (c) => isNumeric(columns.find((x) => x.name === c)?.type ?? "");
  const select = [
    ...(query.dimensions ?? []).map((d) =>
      d.grain ? `CAST(date_trunc('${d.grain}', ${quoteIdent(d.column)}) AS ${d.grain === "hour" ? "TIMESTAMP" : "DATE"}) AS ${quoteIdent(d.grain)}`
        : quoteIdent(d.column)),
    ...(query.measures ?? []).map((m) => `${measureSql(m)} AS ${quoteIdent(alias(m))}`),
  ];
  let sql = `SELECT ${select.join(", ")}\nFROM ${quoteIdent(query.table)}`;
  const filters = (query.filters ?? []).map((f) =>
    `${quoteIdent(f.column)} ${f.op} ${numeric(f.column) ? Number(f.value) : quoteLiteral(f.value)}`);
  if (filters.length) sql += `\nWHERE ${filters.join(" AND ")}`;
  if ((query.dimensions ?? []).length && (query.measures ?? []).length) sql += "\nGROUP BY ALL";
  if ((query.order ?? []).length) sql += `\nORDER BY ${query.order.map((o) => `${quoteIdent(o.by)} ${o.direction.toUpperCase()}`).join(", ")}`;
  if (query.limit) sql += `\nLIMIT ${query.limit}`;
  return sql;
}

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

// ---- The semantic reader: the server's rules (gata.nl.builtin, gata.nl.timeparse) over the grammar the
// server serves (GET /semantic-layer/<tenant>/grammar: rule words, ambiguity and source tables, the
// tenant's phrases and values). Same passes, same words, same structured query as the server.

const MONTHS = { jan: 1, january: 1, feb: 2, february: 2, mar: 3, march: 3, apr: 4, april: 4, may: 5, jun: 6,
  june: 6, jul: 7, july: 7, aug: 8, august: 8, sep: 9, sept: 9, september: 9, oct: 10, october: 10, nov: 11,
  november: 11, dec: 12, december: 12 };
const ORDINAL_QUARTERS = { first: 1, second: 2, third: 3, fourth: 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4 };
const UNITS = ["day", "week", "month", "quarter", "year"];
const MONTH_RE = (n) => `(?<${n}>jan(?:uary)?|feb(?:ruary)?|march|mar|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`;
const DAYNUM_RE = (n) => `(?<${n}>[0-3]?\\d)(?:st|nd|rd|th)?`;
const WRITE_MARKS = /;|--|\/\*|\*\/|\bunion\s+select\b|\bselect\b.+\bfrom\b|\bor\s+1\s*=\s*1\b/;

class TimeError extends Error {}

// days as UTC dates; ISO strings out
const D = (y, m, d) => new Date(Date.UTC(y, m - 1, d));
const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (d, n) => new Date(d.getTime() + n * 86400000);
const weekday = (d) => (d.getUTCDay() + 6) % 7; // Monday 0
const monthEnd = (y, m) => D(y, m + 1, 0);
const ymd = (d) => [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
const sameRange = (a, b) => JSON.stringify(a) === JSON.stringify(b);

function unitStart(day, unit) {
  const [y, m] = ymd(day);
  if (unit === "week") return addDays(day, -weekday(day));
  if (unit === "month") return D(y, m, 1);
  if (unit === "quarter") return D(y, 3 * Math.floor((m - 1) / 3) + 1, 1);
  return D(y, 1, 1);
}

function latestYear(month, day, today) {
  const [y, m, d] = ymd(today);
  return month < m || (month === m && day <= d) ? y : y - 1;
}

/** Inclusive days of a date_range (gata.semantic.dates.resolve). */
export function resolveRange(rng, today) {
  if (!rng.relative) return [new Date(rng.start), new Date(rng.end)];
  const name = rng.relative;
  const yesterday = addDays(today, -1);
  if (name === "today") return [today, today];
  if (name === "yesterday") return [yesterday, yesterday];
  const n = name.match(/^last_(\d{1,4})_days$/);
  if (n) return [addDays(today, -Number(n[1])), yesterday];
  const unit = name.split("_")[1];
  const start = unitStart(today, unit);
  if (name.startsWith("this_")) return [start, today];
  return [unitStart(addDays(start, -1), unit), addDays(start, -1)];
}

function parseTime(text, today, numberWords, patterns) {
  let work = text;
  const out = { date_range: null, grain: null, compare: false, calendar: null, calendar_note: "", all_time: false, spans: [], phrases: [] };
  let defaultRange = null;
  let calendar = null;
  let allTime = false;
  const NUM = `(?<n>\\d{1,4}|${Object.keys(numberWords).join("|")})`;
  const number = (t) => (/^\d+$/.test(t) ? Number(t) : numberWords[t]);
  const each = (p) => [...work.matchAll(new RegExp(p, "g"))];
  const consume = (m) => {
    out.spans.push([m.index, m.index + m[0].length]);
    out.phrases.push(m[0].trim());
    work = work.slice(0, m.index) + " ".repeat(m[0].length) + work.slice(m.index + m[0].length);
  };
  const setRange = (rng, m) => {
    if (out.date_range && !sameRange(out.date_range, rng)) {
      throw new TimeError(`the question names two periods ('${out.phrases.at(-1)}' and '${m[0].trim()}')`);
    }
    out.date_range = rng;
    consume(m);
  };
  const absolute = (start, end, m) => {
    if (end > today) end = today;
    if (end < start) throw new TimeError(`'${m[0].trim()}' is in the future`);
    setRange({ start: iso(start), end: iso(end) }, m);
  };
  const datePattern = (p) => `(?:(?<${p}iso>\\d{4}-\\d{2}-\\d{2})|${MONTH_RE(p + "m1")} ${DAYNUM_RE(p + "d1")}(?: ?,? (?<${p}y1>\\d{4}))?|${DAYNUM_RE(p + "d2")} (?:of )?${MONTH_RE(p + "m2")}(?: ?,? (?<${p}y2>\\d{4}))?)`;
  const day = (m, p) => {
    const g = m.groups;
    if (g[p + "iso"]) return new Date(g[p + "iso"] + "T00:00:00Z");
    const month = MONTHS[g[p + "m1"] ?? g[p + "m2"]];
    const d = Number(g[p + "d1"] ?? g[p + "d2"]);
    const y = g[p + "y1"] ?? g[p + "y2"];
    const year = y ? Number(y) : latestYear(month, d, today);
    const out = D(year, month, d);
    if (ymd(out)[1] !== month || d < 1) throw new TimeError(`'${m[0].trim()}' is not a calendar day`);
    return out;
  };
  // comparisons
  for (const m of each(`\\b(?:the )?same ${patterns.same_last_year}\\b`)) {
    throw new TimeError(`'${m[0].trim()}': a comparison with the year before is not read yet; compare with the period just before ('vs previous period') or ask for the years side by side ('by year')`);
  }
  const against = "\\b(?:vs\\.?|versus|compared (?:to|with)|against" + (text.includes("compar") ? "|to|with)" : ")");
  for (const m of each(`(?:${against}|\\bover|\\brelative to) ${patterns.previous_period}\\b`)) { out.compare = true; consume(m); }
  // "last 30 days vs the prior 30 days": the period before, of the length named (which must be the period's)
  let compareDays = null;
  for (const m of each(`${against} (?:the )?(?:previous|prior|preceding|last) ${NUM} (?<u>${UNITS.join("|")})s?\\b`)) {
    const n = number(m.groups.n), unit = m.groups.u;
    if (!["day", "week"].includes(unit) || n < 1) {
      throw new TimeError(`'${m[0].trim()}': a period is compared with the one just before it, of the same length (ask 'vs previous period')`);
    }
    out.compare = true;
    compareDays = n * (unit === "week" ? 7 : 1);
    consume(m);
  }
  for (const m of each("\\bperiod over period\\b|\\bpop\\b")) { out.compare = true; consume(m); }
  const shorthand = { wow: "week", mom: "month", qoq: "quarter", yoy: "year" };
  for (const m of each("\\b(?:(day|week|month|quarter|year) over \\1|(wow|mom|qoq|yoy))\\b")) {
    const unit = m[1] ?? shorthand[m[2]];
    out.compare = true;
    const days = { week: 7, month: 30, quarter: 90, year: 365 }[unit];
    consume(m);
    defaultRange = { relative: days ? `last_${days}_days` : "yesterday" };
  }
  for (const m of each(`${against} ${patterns.previous_unit}\\b`)) { consume(m); calendar = m.groups.u ?? m.groups.u2; }
  for (const m of each("\\ball[- ]time\\b|\\balltime\\b|\\bever\\b|\\blifetime\\b|\\bsince (?:the )?(?:start|beginning)\\b")) { allTime = true; consume(m); }
  // explicit days
  const a = datePattern("a"), b = datePattern("b");
  for (const m of each(`\\b(?:between|from) ${a} (?:and|to|until|till|through|-) ${b}\\b`)) {
    const s = day(m, "a"), e = day(m, "b");
    if (e < s) throw new TimeError(`'${m[0].trim()}' ends before it starts`);
    absolute(s, e, m);
  }
  for (const m of each(`\\b(?:since|from|after|starting) ${a}\\b`)) absolute(day(m, "a"), today, m);
  const sinceMonth = (m) => { const mo = MONTHS[m.groups.m]; absolute(D(latestYear(mo, 1, today), mo, 1), today, m); };
  for (const m of each(`\\b(?:since|from|starting) (?:the )?(?:start|beginning) of ${MONTH_RE("m")}\\b`)) sinceMonth(m);
  for (const m of each(`\\b(?:since|from|starting) ${MONTH_RE("m")}(?! \\d)\\b`)) sinceMonth(m);
  for (const m of each(`\\b(?:on )?${a}\\b`)) { const d = day(m, "a"); absolute(d, d, m); }
  // months, quarters, years
  for (const m of each(`\\b(?:(?:in|during|for|of|over) )?${MONTH_RE("m")} (?<y>\\d{4})\\b`)) {
    const mo = MONTHS[m.groups.m], y = Number(m.groups.y);
    absolute(D(y, mo, 1), monthEnd(y, mo), m);
  }
  for (const m of each(`\\b(?:in|during|for|of|over|throughout) (?:the month of )?${MONTH_RE("m")}\\b`)) {
    const mo = MONTHS[m.groups.m], y = latestYear(mo, 1, today);
    absolute(D(y, mo, 1), monthEnd(y, mo), m);
  }
  const quarter = "(?:q(?<q>[1-4])|(?:the )?(?<oq>first|second|third|fourth|1st|2nd|3rd|4th) quarter)";
  for (const m of each(`\\b(?:(?:in|during|for|of|over) )?${quarter}(?: (?:of )?(?<y>\\d{4}))?\\b`)) {
    const q = m.groups.q ? Number(m.groups.q) : ORDINAL_QUARTERS[m.groups.oq];
    const first = 3 * (q - 1) + 1;
    const y = m.groups.y ? Number(m.groups.y) : latestYear(first, 1, today);
    absolute(D(y, first, 1), monthEnd(y, first + 2), m);
  }
  for (const m of each("\\b(?:in|during|for|of|over|throughout) (?:the year )?(?<y>(?:19|20)\\d{2})\\b")) {
    const y = Number(m.groups.y);
    absolute(D(y, 1, 1), D(y, 12, 31), m);
  }
  // relative
  const units = UNITS.join("|");
  for (const m of each("\\btoday\\b|\\byesterday\\b")) setRange({ relative: m[0] }, m);
  for (const m of each(`\\b(?:(?:in|over|for|during) )?(?:the )?(?:last|past|previous|trailing|prior) ${NUM} (?<u>${units})s?\\b`)) {
    const n = number(m.groups.n), unit = m.groups.u;
    if (n < 1) throw new TimeError(`'${m[0].trim()}' is an empty period`);
    if (unit === "day" || unit === "week") {
      const days = n * (unit === "week" ? 7 : 1);
      if (days > 3660) throw new TimeError(`'${m[0].trim()}' is longer than ten years`);
      setRange({ relative: `last_${days}_days` }, m);
      continue;
    }
    const months = n * { month: 1, quarter: 3, year: 12 }[unit];
    const [ty, tm] = ymd(today);
    const total = ty * 12 + tm - 1 - months;
    absolute(D(Math.floor(total / 12), (total % 12) + 1, 1), addDays(D(ty, tm, 1), -1), m);
  }
  for (const m of each(`\\b(?:(?:in|over|for|during) )?(?:the )?(?:last|previous|prior|past) (?<u>${units})\\b`)) {
    setRange({ relative: m.groups.u === "day" ? "yesterday" : `last_${m.groups.u}` }, m);
  }
  for (const m of each(`\\b(?:(?:in|for|during|so far) )?(?:this|the current|current) (?<u>${units})(?: so far| to date)?\\b`)) {
    setRange({ relative: m.groups.u === "day" ? "today" : `this_${m.groups.u}` }, m);
  }
  for (const m of each(`\\b(?<u>${units}) to date\\b|\\b(?<s>wtd|mtd|qtd|ytd)\\b`)) {
    const unit = m.groups.u ?? { w: "week", m: "month", q: "quarter", y: "year" }[m.groups.s[0]];
    setRange({ relative: `this_${unit}` }, m);
  }
  if (defaultRange && !out.date_range) out.date_range = defaultRange;
  // grains
  const grain = (g, m) => {
    if (![null, "auto", g].includes(out.grain) && g !== "auto") {
      throw new TimeError(`the question asks for two time grains ('${out.grain}' and '${g}')`);
    }
    if (out.grain === null || out.grain === "auto") out.grain = g;
    consume(m);
  };
  const adverbs = { daily: "day", weekly: "week", monthly: "month", quarterly: "quarter", yearly: "year", annually: "year", annual: "year" };
  for (const m of each("\\b(daily|weekly|monthly|quarterly|yearly|annually|annual)\\b")) grain(adverbs[m[1]], m);
  for (const m of each("\\b(?:by|per|each|every|a|for each|for every) (day|week|month|quarter|year|date)\\b")) grain(m[1] === "date" ? "day" : m[1], m);
  for (const m of each("\\bday by day\\b|\\bday to day\\b")) grain("day", m);
  for (const m of each("\\b(?:over time|time series|trends?|trending|evolution|timeline)\\b")) grain("auto", m);
  if (compareDays !== null) {
    const days = { relative: `last_${compareDays}_days` };
    if (out.date_range && !sameRange(out.date_range, days)) throw new TimeError(`the ${compareDays} days before are compared with the last ${compareDays} days, not another period`);
    out.date_range = days;
  }
  if (calendar) {
    const last = { relative: `last_${calendar}` };
    if (out.date_range && !sameRange(out.date_range, { relative: `this_${calendar}` }) && !sameRange(out.date_range, last)) {
      throw new TimeError(`compare with the ${calendar} before from this ${calendar} or last ${calendar} (the period named is another one)`);
    }
    const start = unitStart(today, calendar);
    if (out.date_range && sameRange(out.date_range, last)) {
      const end = addDays(start, -1);
      out.date_range = { start: iso(unitStart(addDays(unitStart(end, calendar), -1), calendar)), end: iso(end) };
      out.calendar_note = `last ${calendar} beside the whole ${calendar} before it, one row per ${calendar}`;
    } else {
      out.date_range = { start: iso(unitStart(addDays(start, -1), calendar)), end: iso(today) };
      out.calendar_note = `this ${calendar} to date beside the whole of last ${calendar}, one row per ${calendar}`;
    }
    if (![null, calendar].includes(out.grain)) throw new TimeError(`comparing this ${calendar} with last ${calendar} shows one row per ${calendar}`);
    out.grain = calendar;
    out.calendar = calendar;
  }
  if (allTime && out.date_range) throw new TimeError("the question names 'all time' and a period");
  out.all_time = allTime;
  return out;
}

function autoGrain(start, end) {
  if (!start || !end) return "day";
  const days = Math.round((end - start) / 86400000) + 1;
  return days <= 62 ? "day" : days <= 190 ? "week" : "month";
}

// words: the server's tokeniser (gata.nl.text)
const TOKEN = /[a-z0-9]+(?:\.[a-z0-9]+)*|[^\sa-z0-9_]/g;
export function normaliseQuestion(text) {
  const t = text.toLowerCase().replaceAll("_", " ").replaceAll("|", " ").replace(/(?<=[a-z])['’](?:s\b)?/g, "");
  return t.split(/\s+/).filter(Boolean).join(" ");
}
function stem(word) {
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) return word.slice(0, -3) + "y";
  if (["sses", "shes", "ches", "xes", "uses"].some((e) => word.endsWith(e))) return word.slice(0, -2);
  if (word.endsWith("s") && !["ss", "us", "is"].some((e) => word.endsWith(e))) return word.slice(0, -1);
  return word;
}
const tokenize = (text) => [...text.matchAll(TOKEN)].map((m) => ({ text: m[0], stem: stem(m[0]), start: m.index, end: m.index + m[0].length }));
const phraseKey = (text) => tokenize(normaliseQuestion(text)).filter((t) => /^[a-z0-9]+$/.test(t.text) || t.text.includes(".")).map((t) => t.stem).join(" ");
const isWord = (t) => /^[a-z0-9]/.test(t.text);

/** The grammar with its lookups built once (sets, phrase map). */
export function compileGrammar(g) {
  if (g.compiled) return g;
  const set = (k) => new Set(g.words[k]);
  g.compiled = {
    stop: set("stopwords"), group: set("group"), desc: set("rank_desc"), asc: set("rank_asc"), which: set("which"),
    negate: set("negate"), comparing: set("comparing"), filter: set("filter"), write: set("write"), never: set("never_corrected"),
    punct: new Set(g.words.punctuation), lower: new Set(g.lower_is_better),
    comparators: new Map(g.words.comparators.map(([k, v]) => [k.join(" "), v])),
    phrases: new Map(g.phrases.map(([k, ms]) => [k, ms.map(([kind, model, field, strength, value]) => ({ kind, model, field, strength, value }))])),
    values: new Map(Object.entries(g.values).map(([k, v]) => [k, new Set(v)])),
    corrections: new Map(),
  };
  g.compiled.single = [...g.compiled.phrases.keys()].filter((k) => !k.includes(" ") && k.length >= 4 && /^[a-z]+$/.test(k));
  return g;
}

function numberOf(word, g) {
  if (word in g.words.numbers) return g.words.numbers[word];
  if (!/^[0-9.,]+$/.test(word)) return null;
  const v = Number(word.replaceAll(",", ""));
  return Number.isFinite(v) ? v : null;
}

function matchPhrases(g, toks, taken, minLen, kinds) {
  const free = toks.map((t, i) => i).filter((i) => taken[i] === null && isWord(toks[i]));
  const out = [];
  let k = 0;
  while (k < free.length) {
    let found = null;
    for (let n = Math.min(g.max_len, free.length - k); n >= minLen; n--) {
      const idx = free.slice(k, k + n);
      if (idx.at(-1) - idx[0] >= 2 * n) continue;
      if (n === 1 && g.compiled.stop.has(toks[idx[0]].text)) continue;
      const meanings = (g.compiled.phrases.get(idx.map((i) => toks[i].stem).join(" ")) ?? []).filter((m) => !kinds || kinds.has(m.kind));
      if (meanings.length) { found = [idx, meanings]; break; }
    }
    if (!found) { k += 1; continue; }
    const [idx, meanings] = found;
    for (const i of idx) taken[i] = "phrase";
    out.push(item(idx[0], idx.at(-1) + 1, idx.map((i) => toks[i].text).join(" "), meanings));
    k += idx.length;
  }
  return out;
}

const item = (start, end, text, meanings) => ({ start, end, text, meanings, roles: [], negate: false, kinds: new Set(meanings.map((m) => m.kind)) });
function best(it, model, kind) {
  let out = null;
  for (const m of it.meanings) if (m.model === model && m.kind === kind && (!out || m.strength > out.strength)) out = m;
  return out;
}

function editsWithin(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit) return false;
  let prev2 = [], prev = [...Array(b.length + 1).keys()];
  for (let i = 1; i <= a.length; i++) {
    const cur = [i, ...Array(b.length).fill(0)];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] !== b[j - 1] ? 1 : 0;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cur[j] = Math.min(cur[j], prev2[j - 2] + 1);
    }
    if (Math.min(...cur) > limit) return false;
    prev2 = prev; prev = cur;
  }
  return prev.at(-1) <= limit;
}

function correction(g, word) {
  const cache = g.compiled.corrections;
  if (cache.has(word)) return cache.get(word);
  let found = null;
  if (word.length >= g.min_fuzzy && /^[a-z]+$/.test(word)) {
    const limit = word.length < 7 ? 1 : 2;
    let close = g.compiled.single.filter((w) => (w[0] === word[0] || w.slice(1, 2) === word.slice(1, 2)) && editsWithin(word, w, limit));
    if (!close.length && word.length >= 5) close = g.compiled.single.filter((w) => w.startsWith(word) && w.length >= word.length + 2);
    close = [...new Set(close)];
    found = close.length === 1 ? close[0] : null;
  }
  cache.set(word, found);
  return found;
}

function sourceRefusal(g, word, source) {
  const [kind, name] = g.sources[source];
  const have = [...(g.compiled.values.get(g.source_dimension[kind].join("|")) ?? [])].sort();
  return `'${word}' is ${name}, which is not one of your sources; your ${kind} ${have.length !== 1 ? "are" : "is"} ${have.join(", ") || "none"}`;
}

/** `spend on google` for a tenant without Google Ads, where 'google' is only a traffic source: name it. */
function missingSource(g, items) {
  for (const it of items) {
    const source = g.source_words[it.text];
    if (source && !g.compiled.values.get(g.source_dimension[g.sources[source][0]].join("|"))?.has(source)) {
      return sourceRefusal(g, it.text, source);
    }
  }
  return null;
}

function notInData(g, toks, taken) {
  const free = toks.filter((t, i) => taken[i] === null && isWord(t));
  for (let k = 0; k < free.length; k++) {
    const t = free[k];
    const two = k + 1 < free.length ? `${t.text} ${free[k + 1].text}` : "";
    const source = g.source_words[two] ?? g.source_words[t.text];
    if (source) return [t.text, sourceRefusal(g, t.text, source)];
    const what = g.missing_dimensions[t.stem];
    if (what) {
      const nearest = (g.instead[what] ?? []).filter(([m, f]) => g.models[m] && (f in g.models[m].measures || f in g.models[m].dimensions));
      if (nearest.length) {
        const label = (m, f) => g.models[m].measures[f] ?? g.models[m].dimensions[f][0];
        const have = nearest.map(([m, f]) => `${label(m, f)} (${g.models[m].label})`);
        const measures = nearest.filter(([m, f]) => f in g.models[m].measures).map(([m, f]) => [label(m, f).toLowerCase(), "measure"]);
        return [t.text, `your data has no ${what} ('${t.text}'); what it has instead: ${have.join(", ")}`, measures];
      }
      const skip = new Set(["user id", "customer id", "campaign id", "campaign key", "ad account"]);
      const dims = [...new Set(Object.values(g.models).flatMap((m) => Object.values(m.dimensions).filter(([, time]) => !time).map(([l]) => l.toLowerCase())))]
        .filter((d) => !skip.has(d)).sort();
      return [t.text, `your data has no ${what} ('${t.text}'); questions can be broken down by ${dims.slice(0, 14).join(", ")}`];
    }
  }
  return null;
}

function structure(g, toks, taken, items) {
  const c = g.compiled;
  const out = { items, unknown: [], rank: null, grain: null, thresholds: [], count: null, ratios: [], compares: false };
  const byStart = new Map(items.map((it) => [it.start, it]));
  const dimensionNext = (j) => {
    if (byStart.has(j)) return byStart.get(j).kinds.has("dimension");
    return j < toks.length && numberOf(toks[j].text, g) !== null && byStart.has(j + 1) && byStart.get(j + 1).kinds.has("dimension");
  };
  let cue = null, negate = false, prevItem = null, per = false, i = 0;
  while (i < toks.length) {
    const t = toks[i];
    if (byStart.has(i)) {
      const it = byStart.get(i);
      it.negate = negate;
      it.roles = roles(it, cue, items);
      if ((cue === "rank" || cue === "which") && out.rank) {
        if (it.kinds.has("dimension")) {
          out.rank.noun = true;
          out.rank.singular = out.rank.singular || toks[it.end - 1].text === toks[it.end - 1].stem;
        } else if (it.kinds.has("measure") && !out.rank.measureItem) out.rank.measureItem = it;
      }
      if (cue === "group" && out.rank && !out.rank.measureItem && !it.roles.includes("group")) out.rank.measureItem = it;
      out.thresholds = out.thresholds.map((th) => (th[2] === null && th[3] < it.start && it.kinds.has("measure") ? [th[0], th[1], it, th[3]] : th));
      // "spend per click": a measure, then per and a word that is a measure and not a breakdown or value
      if (per && prevItem && prevItem.kinds.has("measure") && it.kinds.has("measure") && !it.kinds.has("dimension") && !it.kinds.has("value")) out.ratios.push([prevItem, it]);
      cue = null; negate = false; prevItem = it; per = false;
      i = it.end;
      continue;
    }
    if (taken[i] === "time") { cue = null; i += 1; continue; }
    const w = t.text;
    const nxt = i + 1 < toks.length ? toks[i + 1].text : "";
    const two = c.comparators.get(`${w} ${nxt}`);
    const comparator = two ?? c.comparators.get(w);
    const width = two ? 2 : 1;
    if (comparator && taken[i] === null && i + width < toks.length) {
      const j = i + width;
      const value = numberOf(toks[j].text, g);
      if (value !== null) {
        const after = byStart.get(j + 1);
        const measure = after && after.kinds.has("measure") ? after : prevItem && prevItem.kinds.has("measure") ? prevItem : null;
        out.thresholds.push([comparator, value, measure, j]);
        i = j + 1;
        continue;
      }
    }
    const n = numberOf(w, g);
    if (c.desc.has(w) || c.asc.has(w)) {
      const direction = c.desc.has(w) ? "desc" : "asc";
      if (out.rank && out.rank.word === "which") {
        out.rank.direction = direction; out.rank.word = w;
        cue = out.rank.measureItem ? cue : "rank";
      } else {
        out.rank = { direction, word: w, n: out.count, singular: false, noun: out.count !== null, measureItem: null };
        cue = "rank";
      }
    } else if (c.which.has(w) && (dimensionNext(i + 1) || nxt in g.words.grains)) {
      out.rank = { direction: "desc", word: "which", n: null, singular: false, noun: false, measureItem: null };
      cue = "which";
    } else if (w in g.words.grains && (cue === "rank" || cue === "which")) {
      out.grain = g.words.grains[w];
      if (out.rank) { out.rank.noun = true; out.rank.singular = true; }
      cue = "rank";
    } else if (n !== null && (cue === "rank" || cue === "which") && out.rank && n >= 1 && Number.isInteger(n)) {
      out.rank.n = n;
    } else if (n !== null && n >= 1 && Number.isInteger(n) && dimensionNext(i + 1)) {
      out.count = n; // "the 2 platforms with the lowest spend": the ranking's size, before its word
    } else if (c.group.has(w)) { cue = "group"; per = w === "per"; }
    else if (c.negate.has(w)) negate = true;
    else if (c.filter.has(w)) cue = cue === "rank" || cue === "which" ? cue : "filter";
    else if (c.stop.has(w) || (!isWord(t) && c.punct.has(w))) out.compares = out.compares || c.comparing.has(w);
    else out.unknown.push(w);
    i += 1;
  }
  return out;
}

function roles(it, cue, items) {
  const kinds = it.kinds;
  const out = [];
  const pos = items.indexOf(it);
  const nxt = items[pos + 1] ?? null;
  const prev = pos > 0 ? items[pos - 1] : null;
  const nearValue = [prev, nxt].some((o) => o && o !== it && o.kinds.has("value") && Math.abs(o.start - it.start) <= 3);
  if (cue === "group" || cue === "rank" || cue === "which") {
    if (kinds.has("dimension")) out.push("group");
    if (kinds.has("measure")) out.push("order");
    if (kinds.has("value")) out.push("filter");
  } else {
    const adjective = nxt && nxt.start === it.end && ["measure", "model", "dimension"].some((k) => nxt.kinds.has(k));
    if (kinds.has("value") && (cue === "filter" || it.negate || adjective || !(kinds.has("measure") || kinds.has("dimension")))) out.push("filter");
    if (kinds.has("measure")) out.push("measure");
    if (kinds.has("dimension")) out.push(...(nearValue ? ["label", "group"] : ["group"]));
    if (kinds.has("value") && !out.includes("filter")) out.push("filter");
  }
  if (kinds.has("model")) out.push("model");
  return out.length ? out : ["model"];
}

const KIND_OF = { measure: "measure", order: "measure", group: "dimension", label: "dimension", filter: "value", model: "model" };
function fit(model, items, rls) {
  const picks = [];
  let score = 0;
  for (let k = 0; k < items.length; k++) {
    const m = best(items[k], model, KIND_OF[rls[k]]);
    if (!m) return null;
    picks.push(m);
    score += m.strength;
  }
  // "the Facebook platform", "paused campaigns" label a value beside them; nothing else drops a word
  if (rls.some((r, k) => r === "label" && !rls.slice(Math.max(0, k - 1), k + 2).includes("filter"))) return null;
  return { model, score, picks };
}

function* product(lists, limit) {
  const idx = lists.map(() => 0);
  let count = 0;
  if (lists.some((l) => !l.length)) return;
  while (count < limit) {
    yield idx.map((v, k) => lists[k][v]);
    count += 1;
    let k = lists.length - 1;
    while (k >= 0) { idx[k] += 1; if (idx[k] < lists[k].length) break; idx[k] = 0; k -= 1; }
    if (k < 0) return;
  }
}

function choose(g, items) {
  const all = [...product(items.map((it) => it.roles), 512)];
  const measured = all.filter((r) => r.includes("measure") || r.includes("order"));
  for (const rls of [...measured, ...all.filter((r) => !measured.includes(r))]) {
    const fits = g.model_priority.map((m) => fit(m, items, rls)).filter(Boolean);
    if (fits.length) {
      let top = fits[0];
      for (const f of fits) if (f.score > top.score) top = f; // ties: the model earlier in MODEL_PRIORITY
      return [rls, top];
    }
  }
  return null;
}

const kindsText = (it) => [...it.kinds].sort().join("/");
const fail = (problem, extra = {}) => ({ query: null, problem, unmapped: [], notes: [], alternatives: [], mapped: [], ...extra });

/** Read a question with the served grammar into the server's structured query (or a refusal). */
export function readSemantic(question, grammar, todayIso) {
  const g = compileGrammar(grammar);
  const today = new Date(todayIso + "T00:00:00Z");
  const text = normaliseQuestion(question);
  if (!text.trim()) return fail("the question is empty");
  const letters = text.match(/[a-z]+/g) ?? [];
  if (letters.some((w) => g.compiled.write.has(w)) || WRITE_MARKS.test(text)) {
    return fail("this looks like a request to change data or a piece of SQL; questions are read-only and answered through the semantic layer (measures, dimensions, filters, periods), never as SQL");
  }
  const toks = tokenize(text);
  const taken = toks.map(() => null);
  let items = matchPhrases(g, toks, taken, 2, new Set(["value"]));
  const chars = [...text];
  toks.forEach((t, i) => { if (taken[i] !== null) for (let k = t.start; k < t.end; k++) chars[k] = " "; });
  let when;
  try {
    when = parseTime(chars.join(""), today, g.words.numbers, g.time);
  } catch (err) {
    if (err instanceof TimeError) return fail(err.message);
    throw err;
  }
  toks.forEach((t, i) => { if (taken[i] === null && when.spans.some(([a, b]) => a <= t.start && t.start < b)) taken[i] = "time"; });
  items = items.concat(matchPhrases(g, toks, taken, 1, null));
  const missing = notInData(g, toks, taken);
  if (missing) return fail(missing[1], { unmapped: [missing[0]], mapped: missing[2] ?? [] });
  const notes = [];
  toks.forEach((t, i) => {
    const w = t.text;
    if (taken[i] !== null || !isWord(t) || g.compiled.never.has(w) || numberOf(w, g) !== null) return;
    const fixed = correction(g, t.stem) ?? correction(g, w);
    if (!fixed) return;
    taken[i] = "phrase";
    items.push(item(i, i + 1, fixed, g.compiled.phrases.get(fixed) ?? []));
    notes.push(`read '${w}' as '${fixed}'`);
  });
  items.sort((x, y) => x.start - y.start);
  const parsed = structure(g, toks, taken, items);
  if (parsed.unknown.length) {
    return fail(`I could not map ${parsed.unknown.map((w) => `'${w}'`).join(", ")} to anything in your data (measures, dimensions, values or time)`, { unmapped: parsed.unknown });
  }
  const reading = build(g, parsed, when, today);
  reading.notes = notes.concat(reading.notes);
  if (reading.query) ambiguities(g, reading, parsed, question, when);
  return reading;
}

function build(g, parsed, when, today) {
  const items = parsed.items;
  const chosen = items.length ? choose(g, items) : null;
  if (!chosen) {
    if (!items.length) return fail("the question names nothing to measure");
    return fail(missingSource(g, items) ?? "these parts of the question are not found together in any one model");
  }
  const [rls, choice] = chosen;
  const model = choice.model;
  const measures = [], dims = [], notes = [];
  const values = new Map(), negated = new Map();
  for (let k = 0; k < items.length; k++) {
    const it = items[k], role = rls[k], m = choice.picks[k];
    if ((role === "measure" || role === "order") && !measures.includes(m.field)) measures.push(m.field);
    else if (role === "group" && !dims.includes(m.field)) dims.push(m.field);
    else if (role === "filter") {
      if (!values.has(m.field)) values.set(m.field, []);
      const vals = values.get(m.field);
      for (const x of it.meanings) if (x.model === model && x.kind === "value" && x.field === m.field && !vals.includes(x.value)) vals.push(x.value);
      if (negated.has(m.field) && negated.get(m.field) !== it.negate) return fail(`'${it.text}' is both included and excluded`);
      negated.set(m.field, it.negate);
    }
  }
  const filters = [];
  for (const [field, vals] of values) {
    const neg = negated.get(field);
    if (parsed.compares && vals.length > 1 && !neg && !dims.includes(field)) dims.push(field); // "facebook vs google": one row each
    filters.push(vals.length === 1 ? { field, op: neg ? "ne" : "eq", value: vals[0] } : { field, op: neg ? "not_in" : "in", value: vals });
  }
  const ratioOf = new Map(); // numerator -> the ratio measure that replaced it
  for (const [num, den] of parsed.ratios) {
    const a = choice.picks[items.indexOf(num)], b = choice.picks[items.indexOf(den)];
    const ratio = g.ratios.find(([n, d]) => n === a.field && d === b.field)?.[2];
    if (!ratio || !(ratio in g.models[model].measures)) {
      return fail(`'${num.text} per ${den.text}' is not a measure of ${g.models[model].label}; ask for the two side by side ('${num.text} and ${den.text}')`);
    }
    ratioOf.set(a.field, ratio);
    const kept = measures.filter((f) => f !== b.field).map((f) => (f === a.field ? ratio : f));
    measures.splice(0, measures.length, ...kept);
  }
  for (const [op, value, measureItem] of parsed.thresholds) {
    if (!measureItem) return fail(`a threshold (${op} ${value}) without a measure`);
    const meaning = choice.picks[items.indexOf(measureItem)];
    if (meaning.kind !== "measure") return fail(`'${measureItem.text}' is not a measure`);
    filters.push({ field: meaning.field, op, value });
    if (!measures.includes(meaning.field)) measures.push(meaning.field);
  }
  if (!measures.length) return fail("the question does not say what to measure (for example spend, revenue, sessions or orders)");
  const body = { model, dimensions: dims, measures, filters };
  let grain = parsed.grain ?? when.grain;
  if (when.date_range) body.date_range = when.date_range;
  if (grain === "auto") {
    const [s, e] = when.date_range ? resolveRange(when.date_range, today) : [null, null];
    grain = autoGrain(s, e);
    notes.push(`'over time' shown ${grain === "day" ? "daily" : grain + "ly"} for this period`);
  }
  if (grain) body.time_grain = grain;
  if (when.compare) {
    if (grain) return fail("comparing with the previous period gives one total per period; it cannot also be split by day/week/month. Ask for one or the other");
    if (!when.date_range) return fail("'previous period' needs a period (e.g. last 30 days)");
    body.compare = "previous_period";
  }
  const rank = parsed.rank;
  if (rank && (dims.length || grain)) {
    let orderField = measures[0];
    if (rank.measureItem) orderField = choice.picks[items.indexOf(rank.measureItem)].field;
    orderField = ratioOf.get(orderField) ?? orderField;
    let direction = rank.direction;
    if ((rank.word === "best" || rank.word === "worst") && g.compiled.lower.has(orderField)) {
      direction = direction === "asc" ? "desc" : "asc";
      notes.push(`for ${g.models[model].measures[orderField] ?? orderField}, lower is better`);
    }
    body.order_by = [{ field: orderField, direction }];
    if (dims.length) {
      const own = g.models[model].measures;
      for (const c of g.context[orderField] ?? []) if (c in own && !body.measures.includes(c)) body.measures.push(c);
    }
    if (rank.n !== null) body.limit = rank.n;
    else if (rank.singular) body.limit = 1;
    else if (rank.noun && rank.word !== "which") body.limit = g.default_top;
  }
  if (rank && !dims.length && !grain) { // "best ROAS": the figure with what it is made of
    const own = g.models[model].measures;
    const first = measures[0];
    for (const c of g.context[first] ?? []) if (c in own && !body.measures.includes(c)) body.measures.push(c);
  }
  return { query: body, problem: null, unmapped: [], notes, alternatives: [] };
}

function ambiguities(g, reading, parsed, question, when) {
  const q = reading.query;
  for (const it of parsed.items) {
    const entry = g.ambiguous[phraseKey(it.text)];
    if (!entry) continue;
    const chosen = entry.candidates.find((c) => c.model === q.model && q.measures.includes(c.measure));
    if (!chosen) continue;
    const others = entry.candidates.filter((c) => c !== chosen && g.models[c.model] && c.measure in g.models[c.model].measures);
    if (!others.length) continue;
    reading.notes.push(`'${it.text}' read as ${chosen.reading}; also: ${others.map((c) => c.reading).join(", ")}`);
    const at = question.toLowerCase().indexOf(it.text);
    for (const c of others) reading.alternatives.push(at >= 0 ? question.slice(0, at) + c.ask + question.slice(at + it.text.length) : `${c.ask} ${question}`);
  }
  if (when.calendar) reading.notes.push(when.calendar_note);
  const bare = question.replace(/[ ?.!]+$/, "");
  if (!q.date_range && !when.all_time) {
    reading.notes.push("no period named: all time");
    reading.alternatives.push(...g.period_choices.map((p) => `${bare} ${p}`));
  }
  if (parsed.rank && !q.dimensions.length && !q.time_grain) {
    const own = g.models[q.model].dimensions;
    reading.alternatives.push(...g.rank_by.filter(([, d]) => d in own).map(([w]) => `${bare} by ${w}`));
  }
}

/** Questions to offer beside a refusal (gata.nl.suggest): about the measures the refusal understood, then
 * the server's general ones, each kept only if this tenant's grammar reads it fully. */
export function suggestQuestions(grammar, todayIso, reading = null) {
  const out = [];
  const understood = (reading?.mapped ?? []).filter(([, kinds]) => kinds === "measure").map(([words]) => words);
  const candidates = understood.slice(0, 2).flatMap((w) => [`${w} last 30 days`, `weekly ${w} this quarter`]);
  for (const q of [...candidates, ...grammar.general_questions]) {
    if (out.includes(q)) continue;
    if (out.length === grammar.max_suggestions) break;
    if (readSemantic(q, grammar, todayIso).query) out.push(q);
  }
  return out;
}

const SQL_OPS = { eq: "=", ne: "!=", gt: ">", gte: ">=", lt: "<", lte: "<=" };

/** SQL for a structured query of the semantic reader over the star table loaded in this tab: each measure
 * is the server's own expression (served with the grammar), so the figures are the semantic layer's. */
export function localSql(query, grammar, todayIso, tables) {
  const local = grammar.local[query.model];
  if (!local) throw new QueryError(`${grammar.models[query.model].label} is not a table of this page: ask it on the explorer.`);
  if (!tables.has(query.model)) throw new QueryError(`Load the ${query.model} table to answer this question here.`);
  if (query.compare) throw new QueryError("Comparisons with the previous period run on the server: ask it on the explorer.");
  const column = (f) => {
    if (f.includes(".")) throw new QueryError(`'${f}' is in another table: ask it on the explorer.`);
    return quoteIdent(local.dimensions[f] ?? f);
  };
  const select = [];
  const groups = [];
  if (query.time_grain) {
    select.push(`CAST(date_trunc('${query.time_grain}', ${quoteIdent(local.time)}) AS DATE) AS ${quoteIdent(query.time_grain)}`);
    groups.push(quoteIdent(query.time_grain));
  }
  for (const d of query.dimensions ?? []) select.push(`${column(d)} AS ${quoteIdent(d)}`);
  for (const m of query.measures) {
    if (!local.measures[m]) throw new QueryError(`'${m}' cannot be computed in this tab: ask it on the explorer.`);
    select.push(`${local.measures[m]} AS ${quoteIdent(m)}`);
  }
  const where = [];
  if (query.date_range) {
    const [start, end] = resolveRange(query.date_range, new Date(todayIso + "T00:00:00Z"));
    where.push(`CAST(${quoteIdent(local.time)} AS DATE) BETWEEN DATE '${iso(start)}' AND DATE '${iso(end)}'`);
  }
  const literal = (v) => (typeof v === "number" ? String(v) : typeof v === "boolean" ? String(v) : quoteLiteral(String(v)));
  const having = [];
  for (const f of query.filters ?? []) {
    const isMeasure = f.field in local.measures && !(f.field in local.dimensions);
    const target = isMeasure ? local.measures[f.field] : column(f.field);
    let cond;
    if (f.op === "in" || f.op === "not_in") cond = `${target} ${f.op === "in" ? "IN" : "NOT IN"} (${f.value.map(literal).join(", ")})`;
    else if (SQL_OPS[f.op]) cond = `${target} ${SQL_OPS[f.op]} ${literal(f.value ?? true)}`;
    else throw new QueryError(`The filter '${f.op}' runs on the server: ask it on the explorer.`);
    (isMeasure ? having : where).push(cond);
  }
  let sql = `SELECT ${select.join(", ")}\nFROM ${quoteIdent(query.model)}`;
  if (where.length) sql += `\nWHERE ${where.join(" AND ")}`;
  if (groups.length || (query.dimensions ?? []).length) sql += "\nGROUP BY ALL";
  if (having.length) sql += `\nHAVING ${having.join(" AND ")}`;
  const order = (query.order_by ?? []).map((o) => `${quoteIdent(o.field)} ${(o.direction ?? "asc").toUpperCase()} NULLS LAST`);
  if (query.time_grain && !order.length) order.push(quoteIdent(query.time_grain));
  if (order.length) sql += `\nORDER BY ${order.join(", ")}`;
  if (query.limit) sql += `\nLIMIT ${query.limit}`;
  return sql;
}

/** Questions written as an aggregate of a column ("how many orders", "average total_price by day") are read
 * against the loaded tables' own columns (which include uploaded files); every other question with the grammar. */
export function columnPhrased(question) {
  return /^\s*(how many|count|number of|count of|average|avg|mean|sum|total|distinct|unique|median|max|min|maximum|minimum)\b/i.test(question)
    && !/\b(last|this|yesterday|today|since|ever|all time|vs|compared|top|which|best|worst)\b/i.test(question);
}

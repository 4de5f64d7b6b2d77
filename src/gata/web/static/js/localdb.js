// DuckDB-WASM in a worker, from our own copy of the npm package (never a CDN): the `eh` bundle, picked
// explicitly, so the library's bundle selection never reaches for jsDelivr. Query results come back as plain
// rows and typed columns for the page's tables and charts.
import * as duckdb from "@duckdb/duckdb-wasm";
import { DataType } from "apache-arrow";

// the worker and the wasm by their hashed URLs, from the page's import map
const WORKER = import.meta.resolve("@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js");
const WASM = import.meta.resolve("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm");

/** Start DuckDB in a worker; decimals and 64-bit integers arrive as JS numbers. `onProgress(loaded)` is told
 * the bytes of the wasm received so far (decoded: the download itself may be compressed). */
export async function openDb(onProgress = () => {}) {
  const worker = new Worker(WORKER);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(WASM, null, (p) => onProgress(p.bytesLoaded));
  await db.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true } });
  const conn = await db.connect();
  // extensions would be downloaded from the internet: the core path needs none, so never fetch one
  await conn.query("SET autoinstall_known_extensions = false; SET autoload_known_extensions = false");
  return { db, conn };
}

export function quoteIdent(name) {
  return `"${String(name).replaceAll('"', '""')}"`;
}

export function quoteLiteral(value) {
  return `'${String(value).replaceAll("'", "''")}'`;
}

function kindOf(type) {
  if (DataType.isTimestamp(type)) return "timestamp";
  if (DataType.isDate(type)) return "date";
  if (DataType.isInt(type) || DataType.isFloat(type) || DataType.isDecimal(type)) return "number";
  if (DataType.isBool(type)) return "boolean";
  return DataType.isUtf8(type) ? "text" : "other";
}

function plain(value, kind) {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (kind === "date") return new Date(Number(value)).toISOString().slice(0, 10);
  if (kind === "timestamp") return new Date(Number(value)).toISOString().replace("T", " ").replace(/\.000Z$|Z$/, "");
  if (typeof value === "object") return JSON.stringify(value.toJSON ? value.toJSON() : value, (_, v) =>
    typeof v === "bigint" ? Number(v) : v);
  return value;
}

/** Run SQL; `{columns: [{name, kind}], rows: [[...]]}` with dates as ISO text and numbers as numbers. */
export async function run(conn, sql) {
  const table = await conn.query(sql);
  const columns = table.schema.fields.map((f) => ({ name: f.name, kind: kindOf(f.type) }));
  const vectors = columns.map((_, i) => table.getChildAt(i));
  const rows = [];
  for (let r = 0; r < table.numRows; r++) rows.push(columns.map((c, i) => plain(vectors[i].get(r), c.kind)));
  return { columns, rows };
}

/** The loaded tables and their columns (name and DuckDB type), for the profiler and the question reader. */
export async function schema(conn) {
  const { rows } = await run(
    conn,
    "SELECT table_name, column_name, data_type FROM information_schema.columns " +
      "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position",
  );
  const tables = new Map();
  for (const [table, name, type] of rows) {
    if (!tables.has(table)) tables.set(table, []);
    tables.get(table).push({ name, type });
  }
  return tables;
}

export async function count(conn, table) {
  const { rows } = await run(conn, `SELECT count(*) FROM ${quoteIdent(table)}`);
  return rows[0][0];
}

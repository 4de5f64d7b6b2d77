// Local enrichment: a CSV or Parquet file chosen by the user becomes a table in the page's DuckDB. The bytes
// stay in this tab: CSV goes to DuckDB's built-in reader, Parquet is decoded by hyparquet (pure JS), since
// DuckDB-WASM's parquet extension would be downloaded from the internet.
import { Bool, DateDay, Float64, Int32, Int64, Table, TimestampMillisecond, Utf8, makeBuilder, tableToIPC }
  from "apache-arrow";
import { parquetMetadata, parquetReadObjects, parquetSchema } from "hyparquet";
import { quoteIdent, quoteLiteral } from "./localdb.js";

/** A table name from a file name: "Q3 targets.csv" -> "q3_targets". */
export function tableName(fileName, taken) {
  let base = fileName.replace(/\.[^.]+$/, "").toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (!/^[a-z_]/.test(base)) base = `t_${base}`;
  let name = base || "upload";
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  return name;
}

async function loadCsv(db, conn, file, name) {
  const path = `upload_${name}.csv`;
  await db.registerFileBuffer(path, new Uint8Array(await file.arrayBuffer()));
  try {
    await conn.query(`CREATE TABLE ${quoteIdent(name)} AS SELECT * FROM read_csv(${quoteLiteral(path)}, auto_detect = true)`);
  } finally {
    await db.dropFile(path);
  }
}

/** The Arrow type of a Parquet column: from its logical type, else from the values hyparquet returned. */
function arrowType(element, values) {
  const logical = element?.logical_type?.type ?? element?.converted_type;
  if (logical === "DATE") return new DateDay();
  if (/TIMESTAMP/.test(logical ?? "") || element?.type === "INT96") return new TimestampMillisecond();
  const sample = values.find((v) => v !== null && v !== undefined);
  if (typeof sample === "bigint") return new Int64();
  if (typeof sample === "boolean") return new Bool();
  if (typeof sample === "number") return element?.type === "INT32" ? new Int32() : new Float64();
  if (sample instanceof Date) return new TimestampMillisecond();
  return new Utf8();
}

function arrowValue(v, type) {
  if (v === null || v === undefined) return null;
  if (type instanceof Utf8) return typeof v === "string" ? v : v instanceof Uint8Array ? new TextDecoder().decode(v)
    : JSON.stringify(v, (_, x) => (typeof x === "bigint" ? x.toString() : x));
  if (type instanceof DateDay || type instanceof TimestampMillisecond) return v instanceof Date ? v : new Date(Number(v));
  return v;
}

/** An Arrow vector of `values`. Arrow's own null check is compiled with `new Function`, which the page's CSP
 * refuses (no 'unsafe-eval'), so the builder gets a plain one instead. */
function vector(values, type) {
  const builder = makeBuilder({ type, nullValues: [] });
  builder._isValid = (v) => v !== null && v !== undefined;
  for (const v of values) builder.append(v);
  return builder.finish().toVector();
}

async function loadParquet(conn, file, name) {
  const buffer = await file.arrayBuffer();
  const metadata = parquetMetadata(buffer);
  const rows = await parquetReadObjects({ file: buffer, metadata, rowFormat: "object" });
  const elements = new Map(parquetSchema(metadata).children.map((c) => [c.element.name, c.element]));
  const arrays = {};
  for (const [colName, element] of elements) {
    const values = rows.map((r) => r[colName]);
    const type = arrowType(element, values);
    arrays[colName] = vector(values.map((v) => arrowValue(v, type)), type);
  }
  await conn.insertArrowFromIPCStream(tableToIPC(new Table(arrays), "stream"), { name, create: true });
}

/** Load `file` (.csv or .parquet) as a new table; returns its name. */
export async function loadFile(db, conn, file, taken) {
  const name = tableName(file.name, taken);
  if (/\.parquet$/i.test(file.name)) await loadParquet(conn, file, name);
  else if (/\.(csv|tsv|txt)$/i.test(file.name)) await loadCsv(db, conn, file, name);
  else throw new Error(`'${file.name}' is neither CSV nor Parquet: choose a .csv or .parquet file.`);
  return name;
}

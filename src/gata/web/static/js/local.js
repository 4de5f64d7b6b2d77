// The in-browser tier: star tables fetched once as Arrow from the API, then profiled, queried with SQL and
// asked about in DuckDB-WASM, in this tab; uploaded files join them without leaving it.
import { count, openDb, quoteIdent, run, schema } from "./localdb.js";
import { loadFile } from "./enrich.js";
import { profileTable } from "./profile.js";
import { MODEL_NAME, modelEngine, readWithModel, startModel } from "./model.js";
import { QueryError, columnPhrased, localSql, prepare, readQuestion, readSemantic, suggestQuestions } from "./reader.js";
import { showError, showResult } from "./results.js";
import { watchScrollers } from "./scroll-cue.js";

watchScrollers();

const root = document.getElementById("local");
const tenant = root.dataset.tenant;
const $ = (id) => document.getElementById(id);
const resultCard = $("result");
let db;
let conn;
let tables = new Map(); // name -> [{name, type}]
let current = null; // the table last loaded or profiled: the default for questions

function say(id, text, state) {
  $(id).textContent = text;
  if (state) $(id).dataset.state = state;
}

function busy(on) {
  for (const id of ["load-button", "sql-button", "ask-button", "profile-button", "upload-file", "profile-table"]) {
    $(id).disabled = on;
  }
  root.setAttribute("aria-busy", String(on));
}

async function refreshTables(counts) {
  tables = await schema(conn);
  const list = $("loaded");
  list.replaceChildren(...[...tables.keys()].map((t) => {
    const li = document.createElement("li");
    li.dataset.table = t;
    li.textContent = `${t} (${tables.get(t).length} columns${counts[t] === undefined ? "" : `, ${counts[t].toLocaleString()} rows`})`;
    return li;
  }));
  const select = $("profile-table");
  select.replaceChildren(...[...tables.keys()].map((t) => new Option(t, t, false, t === current)));
}

const counts = {};

async function fetchArrow(table) {
  const response = await fetch(`/semantic-layer/${encodeURIComponent(tenant)}/tables/${encodeURIComponent(table)}.arrow`,
    { credentials: "same-origin" });
  if (response.status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    throw new Error("Your session has ended: sign in again.");
  }
  if (!response.ok) {
    const detail = await response.json().then((d) => d.detail).catch(() => response.statusText);
    throw new Error(`The table could not be fetched (${response.status}): ${detail}`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

async function loadTable(table) {
  const started = performance.now();
  say("load-status", `Loading ${table}…`, "loading");
  const bytes = await fetchArrow(table);
  const size = bytes.length; // the buffer is handed over to DuckDB's worker, and empty afterwards
  await conn.query(`DROP TABLE IF EXISTS ${quoteIdent(table)}`);
  await conn.insertArrowFromIPCStream(bytes, { name: table, create: true });
  counts[table] = await count(conn, table);
  const ms = performance.now() - started;
  const status = $("load-status");
  Object.assign(status.dataset, { table, rows: counts[table], ms: Math.round(ms), bytes: size });
  say("load-status", `${table}: ${counts[table].toLocaleString()} rows loaded into this tab in ` +
    `${(ms / 1000).toFixed(2)} s (${(size / 1e6).toFixed(1)} MB of Arrow).`, "ready");
  current = table;
  await refreshTables(counts);
  await profile(table);
}

async function profile(table) {
  $("profile").dataset.state = "loading";
  say("profile-status", `Profiling ${table}…`);
  const started = performance.now();
  await profileTable(conn, table, tables.get(table), $("profile"));
  Object.assign($("profile").dataset, { state: "ready", table });
  say("profile-status", `${table}: ${tables.get(table).length} columns profiled in ` +
    `${((performance.now() - started) / 1000).toFixed(2)} s.`);
}

async function runSql(sql, source) {
  resultCard.dataset.state = "running";
  const started = performance.now();
  try {
    const result = await run(conn, sql);
    showResult(resultCard, result, `${source}, ${(performance.now() - started).toFixed(0)} ms in this tab`);
  } catch (err) {
    showError(resultCard, `DuckDB could not run this SQL: ${err.message}`);
  }
}

function note(text) {
  $("ask-note").textContent = text;
  $("ask-note").hidden = !text;
}

let grammar = null; // the server's reading rules and this tenant's vocabulary, fetched once

const todayIso = () => new Date().toISOString().slice(0, 10);

/** Read a question with the server's grammar (the same rules and words as POST /ask) and run its query on
 * the loaded star table. False when the question is better read against the loaded columns. */
async function askWithGrammar(question) {
  if (!grammar) {
    const r = await fetch(`/semantic-layer/${tenant}/grammar`, { credentials: "same-origin" });
    if (!r.ok) return false;
    grammar = await r.json();
  }
  const reading = readSemantic(question, grammar, todayIso());
  if (!reading.query) {
    if (reading.unmapped.some((w) => tables.has(w) || [...tables.values()].some((cols) => cols.some((c) => c.name === w)))) return false;
    $("ask-json").textContent = "";
    $("sql").value = "";
    const offered = suggestQuestions(grammar, todayIso(), reading);
    showError(resultCard, `${reading.problem[0].toUpperCase()}${reading.problem.slice(1)}.` + (offered.length ? ` Try: ${offered.join("; ")}.` : ""));
    return true;
  }
  $("ask-json").textContent = JSON.stringify(reading.query, null, 2);
  let sql;
  try {
    sql = localSql(reading.query, grammar, todayIso(), tables);
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    $("sql").value = "";
    showError(resultCard, err.message);
    return true;
  }
  const also = reading.alternatives.length ? ` Also: ${reading.alternatives.join("; ")}.` : "";
  note(reading.notes.length || also ? `Read as: ${reading.notes.join("; ") || "asked"}.${also}` : "");
  $("sql").value = sql;
  await runSql(sql, "question read in this tab with the server's grammar");
  return true;
}

/** A question, read by the model when it is started (else, or when its reply is unusable, by the built-in
 * rules); either way the structured query is validated and compiled by the same `prepare`, shown and run here. */
async function ask(question) {
  resultCard.dataset.state = "running";
  $("ask-details").hidden = false;
  note("");
  if (modelEngine()) {
    note(`Asking ${MODEL_NAME} in this tab…`);
    try {
      const { query, sql } = await readWithModel(question, tables, current);
      note(`Read by ${MODEL_NAME} in this tab.`);
      $("ask-json").textContent = JSON.stringify(query, null, 2);
      $("sql").value = sql;
      await runSql(sql, `question read by ${MODEL_NAME} in this tab`);
      return;
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      note(`${MODEL_NAME}'s answer could not be used: ${err.message} The built-in rules read the question instead.`);
    }
  }
  if (!columnPhrased(question) && await askWithGrammar(question)) return;
  let query;
  let sql;
  try {
    query = readQuestion(question, tables, current);
    $("ask-json").textContent = JSON.stringify(query, null, 2);
    sql = prepare(query, tables);
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    if (!query) $("ask-json").textContent = "";
    $("sql").value = "";
    showError(resultCard, err.message);
    return;
  }
  $("sql").value = sql;
  await runSql(sql, "question read in this tab");
}

/** WebGPU is there only if an adapter is (headless Chromium without a GPU has `navigator.gpu` but none). The
 * default page offers the model; `?model=webllm`, the page the offer opens, can start it. */
async function describeWebGpu() {
  const adapter = await navigator.gpu?.requestAdapter().catch(() => null);
  const optedIn = root.dataset.model === "webllm";
  $("model").dataset.state = adapter ? "available" : "absent";
  if (!adapter) {
    say("webgpu-status", `This browser has no WebGPU, so the in-browser language model (WebLLM, ${MODEL_NAME}) ` +
      "cannot run here: questions are read by the built-in rules, in this tab." +
      (optedIn ? " Nothing is downloaded for the model." : ""), "absent");
  } else if (!optedIn) {
    say("webgpu-status", "This browser has WebGPU. Questions are read by the built-in rules, in this tab, " +
      "unless you choose the in-browser model:", "available");
    $("model-offer").hidden = false;
  } else {
    say("webgpu-status", `This browser has WebGPU: start ${MODEL_NAME} to have it read your questions; until then ` +
      "(and whenever its answer cannot be used) the built-in rules read them.", "available");
    $("model-load").hidden = false;
  }
}

async function loadModel() {
  const progress = $("model-progress");
  $("model-button").disabled = true;
  progress.hidden = false;
  $("model").dataset.state = "loading";
  try {
    await startModel((report) => {
      progress.value = report.progress;
      say("model-status", report.text);
    });
    $("model").dataset.state = "ready";
    say("model-status", `${MODEL_NAME} is running in this tab: it reads your questions, and the built-in rules ` +
      "step in when its answer cannot be used.");
  } catch (err) {
    $("model").dataset.state = "error";
    $("model-button").disabled = false;
    say("model-status", `${MODEL_NAME} could not start: ${err.message}. Questions are read by the built-in rules.`);
  } finally {
    progress.hidden = true;
  }
}

function guard(fn) {
  return async (event) => {
    event.preventDefault();
    busy(true);
    $("local-error").hidden = true;
    try {
      await fn(event);
    } catch (err) {
      $("local-error").textContent = err.message;
      $("local-error").hidden = false;
    } finally {
      busy(false);
    }
  };
}

$("load-form").addEventListener("submit", guard(async () => {
  try {
    await loadTable($("load-table").value);
  } catch (err) {
    say("load-status", err.message, "error");
    throw err;
  }
}));
$("profile-form").addEventListener("submit", guard(async () => {
  current = $("profile-table").value;
  await profile(current);
}));
$("sql-form").addEventListener("submit", guard(() => runSql($("sql").value, "SQL run in this tab")));
$("ask-form").addEventListener("submit", guard(() => ask($("question").value)));
$("model-button").addEventListener("click", loadModel);
$("upload-file").addEventListener("change", guard(async () => {
  const file = $("upload-file").files[0];
  if (!file) return;
  say("upload-status", `Reading ${file.name} in this tab…`, "loading");
  try {
    const name = await loadFile(db, conn, file, new Set(tables.keys()));
    counts[name] = await count(conn, name);
    current = name;
    await refreshTables(counts);
    say("upload-status", `${file.name} is table ${name}: ${counts[name].toLocaleString()} rows, ` +
      `${tables.get(name).length} columns. Join it in SQL.`, "ready");
    $("upload-status").dataset.table = name;
    await profile(name);
  } catch (err) {
    say("upload-status", `${file.name} could not be read: ${err.message}`, "error");
  } finally {
    $("upload-file").value = "";
  }
}));

describeWebGpu();  // not awaited: the page does not wait for the GPU
/** The wasm's download as it arrives: bytes loaded of its size (told by the server, which knows the file). */
function showDownload(loaded) {
  const bar = $("wasm-progress");
  const total = Number(bar.dataset.bytes) || loaded;
  bar.max = total;
  bar.value = Math.min(loaded, total);
  bar.hidden = false;
  const mb = (n) => (n / 1e6).toFixed(1);
  say("load-status", `Downloading DuckDB-WASM: ${mb(loaded)} of ${mb(total)} MB…`, "downloading");
}

try {
  ({ db, conn } = await openDb(showDownload));
  $("wasm-progress").hidden = true;
  delete $("load-status").dataset.state;
  say("load-status", "DuckDB-WASM is ready: choose a table to load.");
  busy(false);
  root.dataset.state = "ready";
} catch (err) {
  root.dataset.state = "error";
  root.setAttribute("aria-busy", "false");
  say("load-status", `DuckDB-WASM could not start in this browser: ${err.message}`, "error");
}

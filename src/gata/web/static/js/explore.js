// The explorer: build a structured query with the controls, write it as JSON, or ask a question (POST /ask)
// and get its query; every run goes to POST /semantic-layer/{tenant}/query and shows the table, an automatic
// chart and the SQL that ran. The query lives in the URL (?q=<json>), so a result can be reloaded and shared.
import { model as modelDetail, request, query as runQuery } from "./api.js";
import { autoChart, clearChart } from "./autochart.js";
import { watchChartControls } from "./chart-controls.js";
import { failResult, showResult } from "./result-view.js";
import { setValueSource } from "./filter-rows.js";
import {
  modelDetail as currentModel, readQuery, setModels, setRange, showModel, watchControls, writeQuery,
} from "./query-builder.js";
import { carriedRange, saveRange } from "./range-store.js";
import { watchScrollers } from "./scroll-cue.js";

watchScrollers();

const root = document.getElementById("explorer");
const tenant = root.dataset.tenant;
const errorBox = document.getElementById("explore-error");
const jsonBox = document.getElementById("query-json");
const answerText = document.getElementById("ask-answer");
const suggestions = document.getElementById("ask-suggestions");
const question = document.getElementById("question");

const details = new Map();
async function detailOf(name) {
  if (!details.has(name)) details.set(name, await modelDetail(tenant, name));
  return details.get(name);
}

function setState(state) {
  root.dataset.state = state;
  root.setAttribute("aria-busy", String(state === "loading"));
}

function fail(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
  setState("error");
}

/** Drop nulls and empty lists (the API's defaults), so the JSON shows what the query says. */
function compact(value) {
  if (Array.isArray(value)) return value.map(compact);
  if (value === null || typeof value !== "object") return value;
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined || (Array.isArray(v) && !v.length)) continue;
    out[k] = compact(v);
  }
  return out;
}

const VALUES_SHOWN = 50;

/** A text field's values matching `term`, by the query API itself (the same governed, tenant-bound path): in a
 * `contains` (ILIKE) pattern "_" matches any one character, so "facebook ads" and "Facebook Ads" both find
 * facebook_ads, and the label people read finds the raw code. */
async function valuesOf(field, term) {
  const body = { model: currentModel().name, dimensions: [field],
    order_by: [{ field, direction: "asc" }], limit: VALUES_SHOWN };
  if (term) body.filters = [{ field, op: "contains", value: term.replace(/[\s_]+/g, "_") }];
  return (await runQuery(tenant, body)).rows.map((r) => r[field]);
}
setValueSource(valuesOf);

let generation = 0;
const partialNote = document.getElementById("partial-note"); // a period with a partial day (today) says so
let runs = 0; // finished runs, for whoever waits for the next one (tests, too)
let drawn = null; // the last answer {body, result}: the chart controls redraw it

/** Run a structured query as it is (the API validates it) and show what it answers. */
async function run(q) {
  const mine = ++generation;
  const body = compact(q);
  jsonBox.value = JSON.stringify(body, null, 2);
  history.replaceState(null, "", `${location.pathname}?q=${encodeURIComponent(JSON.stringify(body))}`);
  errorBox.hidden = true;
  setState("loading");
  try {
    const result = await runQuery(tenant, body);
    if (mine !== generation) return;
    if (body.date_range) saveRange(tenant, body.date_range); // the other pages open on the period asked here
    showResult({ limit: 1000, ...body }, result, `${tenant}-${body.model}`);
    partialNote.textContent = (result.notes ?? []).join(" ");
    partialNote.hidden = !result.notes?.length;
    drawn = { body, result };
    autoChart(body, result, details.get(body.model));
    setState("ready");
    root.dataset.runs = ++runs;
  } catch (err) {
    if (mine !== generation) return;
    const message = `The query was refused: ${err.message}`;
    drawn = null;
    failResult("No result: the query was refused (the message above says why).");
    clearChart("No chart: the query did not run.", "error");
    fail(message);
    root.dataset.runs = ++runs;
  }
}

/** Show a query in the controls (switching model if needed), then run it. */
async function load(q) {
  if (typeof q?.model !== "string") throw new Error("The query needs a \"model\".");
  let shownModel = true;
  try {
    showModel(await detailOf(q.model));
  } catch {
    shownModel = false; // an unknown model: the API's answer below names the valid ones
  }
  if (shownModel) writeQuery(q);
  await run(q);
}

async function onModel(name) {
  errorBox.hidden = true;
  try {
    showModel(await detailOf(name));
  } catch (err) {
    fail(`Could not load the model: ${err.message}`);
  }
}

document.getElementById("query-form").addEventListener("submit", (event) => {
  event.preventDefault();
  let q;
  try {
    q = readQuery();
  } catch (err) {
    // the figures on screen answer the controls as they were: with the controls now wrong they would mislead
    generation++; // and a run still on its way must not bring them back
    drawn = null;
    failResult("No result: fix the query (the message above says why).");
    clearChart("No chart: the query did not run.", "error");
    return fail(err.message);
  }
  run(q);
});

document.getElementById("json-form").addEventListener("submit", (event) => {
  event.preventDefault();
  let q;
  try {
    q = JSON.parse(jsonBox.value);
  } catch (err) {
    return fail(`The JSON is not valid: ${err.message}`);
  }
  load(q).catch((err) => fail(err.message));
});

function suggest(list) {
  suggestions.replaceChildren(
    ...list.map((s) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "secondary small";
      b.textContent = s;
      b.addEventListener("click", () => {
        question.value = s;
        ask(s);
      });
      return b;
    }),
  );
  suggestions.hidden = !list.length;
}

const askSection = document.querySelector("section.ask");

async function ask(text) {
  errorBox.hidden = true;
  askSection.dataset.state = "asking";
  answerText.textContent = "Reading the question…";
  suggest([]);
  let answer;
  try {
    answer = await request("POST", `/semantic-layer/${encodeURIComponent(tenant)}/ask`, { question: text });
  } catch (err) {
    answerText.textContent = "";
    askSection.dataset.state = "error";
    return fail(`The question could not be asked: ${err.message}`);
  }
  if (!answer.answered) {
    answerText.textContent = (answer.message ?? "The question could not be answered.") +
      (answer.suggestions.length ? " Try one of these:" : "");
    askSection.dataset.state = "refused";
    return suggest(answer.suggestions);
  }
  // the reading's assumptions (which ROAS, which period, a corrected spelling) and the other readings, one click each
  const notes = answer.explanation?.notes ?? [];
  answerText.textContent = `${answer.explanation?.text ?? "Answered."} (${answer.interpreter})` +
    (notes.length ? ` Read as: ${notes.join("; ")}.` : "") + (answer.notes?.length ? ` ${answer.notes.join(" ")}` : "") +
    (answer.suggestions.length ? " Other readings:" : "");
  try {
    await load(answer.query);
  } catch (err) {
    fail(err.message);
  }
  suggest(answer.suggestions);
  askSection.dataset.state = "answered";
}

document.getElementById("ask-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (question.value.trim()) ask(question.value.trim());
});

async function start() {
  watchControls(onModel);
  watchChartControls(() => drawn && autoChart(drawn.body, drawn.result, details.get(drawn.body.model)));
  let models;
  try {
    models = (await request("GET", `/semantic-layer/${encodeURIComponent(tenant)}/models`)).models;
  } catch (err) {
    return fail(`Could not load the models: ${err.message}`);
  }
  if (!models.length) return fail("This tenant has no data to explore yet.");
  setModels(models);
  const shared = new URLSearchParams(location.search).get("q");
  if (shared) {
    let q;
    try {
      q = JSON.parse(shared);
    } catch {
      return fail("The query in this link is not valid JSON.");
    }
    return load(q).catch((err) => fail(err.message));
  }
  await onModel(models[0].name);
  const carried = carriedRange(tenant); // the period picked on the dashboard (or here before)
  if (carried) setRange(carried);
  setState("idle");
}

start();

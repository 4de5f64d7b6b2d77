// The in-browser model (WebLLM, Qwen2.5-Coder) as a second producer of the structured query: it is told the
// loaded tables' columns and the JSON shape, and its reply goes through the same validation and compiler as
// the built-in rules' (reader.js `prepare`). WebLLM itself is imported only when the user starts the model.
import { AGGS, QueryError, prepare } from "./reader.js";

export const MODEL_ID = "Qwen2.5-Coder-1.5B-Instruct-q4f16_1-MLC";
export const MODEL_NAME = "Qwen2.5-Coder";

let engine = null; // an MLCEngine once started (or any object with the same chat.completions.create)

/** The WebLLM module, fetched from this server on first use (about 7 MB of JS). */
export function library() {
  return import("@mlc-ai/web-llm");
}

/** Download (or take from the browser's cache) and start the model; `onProgress` gets WebLLM's reports. */
export async function startModel(onProgress) {
  const { CreateMLCEngine } = await library();
  engine = await CreateMLCEngine(MODEL_ID, { initProgressCallback: onProgress });
  return engine;
}

/** Use `e` as the engine: what startModel does, also how a test puts a stand-in for the real model. */
export function useEngine(e) {
  engine = e;
}

export const modelEngine = () => engine;

/** The system prompt: every loaded table with its columns and DuckDB types, and the JSON to reply with. */
export function systemPrompt(tables, preferred) {
  const names = [...tables.keys()].sort((a, b) => (b === preferred) - (a === preferred));
  const described = names.map((t) =>
    `Table ${t}:\n${tables.get(t).map((c) => `  ${c.name} ${c.type}`).join("\n")}`).join("\n\n");
  return [
    "You turn a question about the tables below into one structured query, as a JSON object and nothing else:",
    '{"table": "<one table>", "measures": [{"column": "<column or * for count>", "agg": "<agg>"}],',
    ' "dimensions": [{"column": "<column>"} or {"column": "<date column>", "grain": "<grain>"}],',
    ' "filters": [{"column": "<column>", "op": "<op>", "value": "<value>"}],',
    ' "order": [{"by": "<output name>", "direction": "asc" or "desc"}], "limit": <1 to 100000>}',
    `agg is one of ${AGGS.join(", ")}; sum, avg and median need a numeric column; "*" only with count.`,
    "grain is one of hour, day, week, month, quarter, year. op is one of = != > >= < <=.",
    'Output names: a dimension is its column (or its grain), a measure is agg_column, and count of "*" is count.',
    "Use only the columns listed for the chosen table, spelled exactly.",
    `Prefer ${names[0]} when the question does not name a table.`,
    "",
    described,
  ].join("\n");
}

/** The query in a model's reply: JSON, possibly in a Markdown code fence; a QueryError if there is none. */
export function parseReply(text) {
  const body = String(text ?? "").trim().replace(/^```(?:json)?\s*|\s*```$/g, "");
  try {
    const query = JSON.parse(body);
    if (query && typeof query === "object" && !Array.isArray(query)) return query;
  } catch {
    // reported below, with the start of what the model wrote
  }
  const shown = body.length > 120 ? `${body.slice(0, 120)}…` : body;
  throw new QueryError(`its reply is not a JSON object: "${shown}".`);
}

/** Ask the model; `{query, sql}` for a reply that passes validation, else a QueryError saying why not. */
export async function readWithModel(question, tables, preferred) {
  if (!engine) throw new QueryError(`${MODEL_NAME} is not started.`);
  if (!tables.size) throw new QueryError("Load a table first: questions are answered from the tables in this page.");
  const reply = await engine.chat.completions.create({
    messages: [
      { role: "system", content: systemPrompt(tables, preferred) },
      { role: "user", content: question },
    ],
    response_format: { type: "json_object" }, // WebLLM constrains the output to JSON with a grammar
    temperature: 0,
    max_tokens: 512,
  });
  const query = parseReply(reply?.choices?.[0]?.message?.content);
  try {
    return { query, sql: prepare(query, tables) };
  } catch (err) {
    if (err instanceof QueryError) err.query = query; // the page shows what the model wrote
    throw err;
  }
}

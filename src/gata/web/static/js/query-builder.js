// The explorer's query controls, both ways: a model's fields (from GET /models/{model}) become checkboxes and
// filter fields; the controls read as a structured query, and any structured query fills the controls.
import { label } from "./format.js";
import { addFilter, clearFilters, readFilters, setFilterFields } from "./filter-rows.js";
import { defaultCustom, rangeOf, showRange } from "./range.js";

const $ = (id) => document.getElementById(id);
const model = $("q-model");
const measures = $("q-measures");
const dimensions = $("q-dimensions");
const grain = $("q-grain");
const range = $("q-range");
const custom = $("q-custom");
const start = $("q-start");
const end = $("q-end");
const sort = $("q-sort");
const direction = $("q-sort-dir");
const limit = $("q-limit");
const note = $("q-note");
const compare = $("q-compare");

let detail = null; // the chosen model's description
let labels = new Map(); // its fields' labels, own and joined ("campaigns.objective" is "Campaigns: Objective")

/** A field of the shown model as its controls and results name it. */
export function fieldLabel(name) {
  return labels.get(name) ?? label(name);
}

function checkbox(container, name, text, title) {
  const id = `q-${container.dataset.kind}-${name.replace(".", "--")}`;
  const wrap = document.createElement("div");
  const input = document.createElement("input");
  input.type = "checkbox";
  input.id = id;
  input.name = container.dataset.kind;
  input.value = name;
  const lab = document.createElement("label");
  lab.htmlFor = id;
  lab.textContent = text;
  if (title) lab.title = title;
  wrap.append(input, lab);
  container.append(wrap);
}

const checked = (container) => [...container.querySelectorAll("input:checked")].map((i) => i.value);

/** Sort choices follow the result's columns: the chosen measures and dimensions (and the time dimension). */
function refreshSort() {
  const keep = sort.value;
  const names = [...(grain.value ? [detail?.time_dimension] : []), ...checked(dimensions), ...checked(measures)];
  sort.replaceChildren(new Option("Default", ""));
  for (const n of [...new Set(names)].filter(Boolean)) sort.append(new Option(fieldLabel(n), n));
  sort.value = names.includes(keep) ? keep : "";
}

/** Lay out the controls for a model's fields (clears the previous model's choices). */
export function showModel(d) {
  detail = d;
  const joinedFields = d.joins.flatMap((j) => j.fields);
  labels = new Map([...d.dimensions, ...d.measures, ...joinedFields].map((f) => [f.name, f.label]));
  model.value = d.name;
  $("q-model-description").textContent = d.description;
  measures.replaceChildren();
  dimensions.replaceChildren();
  for (const m of d.measures) checkbox(measures, m.name, m.label, m.description);
  for (const dim of d.dimensions) checkbox(dimensions, dim.name, dim.label, dim.description);
  for (const j of d.joins) {
    const group = document.createElement("p");
    group.className = "checklist-group";
    group.textContent = `Joined from ${j.label}`;
    dimensions.append(group);
    for (const f of j.fields) checkbox(dimensions, f.name, f.label);
  }
  setFilterFields([
    ...d.dimensions.map((x) => ({ group: "Dimensions", name: x.name, label: x.label, format: x.format })),
    ...joinedFields.map((x) => ({ group: "Joined dimensions", name: x.name, label: x.label, format: x.format })),
    ...d.measures.map((x) => ({ group: "Measures (after totals)", name: x.name, label: x.label, format: x.format })),
  ]);
  note.hidden = true;
  refreshSort();
}

export function modelDetail() {
  return detail;
}

function showCustom() {
  custom.hidden = range.value !== "custom";
}

/** The controls as a structured query, or an Error saying what to fix. */
export function readQuery() {
  const q = { model: model.value, measures: checked(measures), dimensions: checked(dimensions) };
  if (!q.measures.length && !q.dimensions.length) throw new Error("Pick at least one measure or dimension.");
  const filters = readFilters();
  if (filters.length) q.filters = filters;
  if (grain.value) q.time_grain = grain.value;
  if (range.value) q.date_range = rangeOf(range.value, start.value, end.value);
  if (compare.checked) {
    if (!q.date_range) throw new Error("Compare with previous period needs a period: choose one instead of All time.");
    if (!q.measures.length) throw new Error("Compare with previous period needs a measure.");
    q.compare = "previous_period";
  }
  if (sort.value) q.order_by = [{ field: sort.value, direction: direction.value }];
  const n = Number(limit.value);
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new Error("The row limit is a whole number from 1 to 10,000.");
  q.limit = n;
  return q;
}

function check(container, names) {
  const missing = [];
  for (const input of container.querySelectorAll("input")) input.checked = names.includes(input.value);
  for (const n of names) if (!container.querySelector(`input[value="${CSS.escape(n)}"]`)) missing.push(n);
  return missing;
}

/** Show a date_range (none: all time) in the period controls. */
export function setRange(r) {
  if (!r) range.value = "";
  else showRange(r, range, start, end);
  showCustom();
}

/** Fill the controls from a query (its model's fields already shown); what they cannot show is named. */
export function writeQuery(q) {
  const unshown = [
    ...check(measures, q.measures ?? []),
    ...check(dimensions, q.dimensions ?? []),
  ].map((n) => `unknown field '${n}'`);
  clearFilters();
  for (const f of q.filters ?? []) {
    if ("field" in f) addFilter(f, false);
    else unshown.push("a filter group (and/or)");
  }
  grain.value = q.time_grain ?? "";
  setRange(q.date_range);
  refreshSort();
  const order = q.order_by ?? [];
  sort.value = order[0]?.field ?? "";
  direction.value = order[0]?.direction ?? "desc";
  if (order.length > 1) unshown.push("more than one sort field");
  compare.checked = q.compare === "previous_period";
  if (q.time_dimension) unshown.push("time_dimension");
  limit.value = q.limit ?? 1000;
  note.textContent = unshown.length
    ? `The controls cannot show ${unshown.join(", ")}: that part is only in the JSON below (Run JSON keeps it).`
    : "";
  note.hidden = !unshown.length;
}

export function watchControls(onModel) {
  model.addEventListener("change", () => onModel(model.value));
  range.addEventListener("change", () => {
    showCustom();
    if (range.value === "custom") {
      defaultCustom(start, end);
      start.focus();
    }
  });
  for (const el of [measures, dimensions, grain]) el.addEventListener("change", refreshSort);
  $("q-add-filter").addEventListener("click", () => addFilter());
}

export function setModels(list) {
  model.replaceChildren(...list.map((m) => new Option(m.label, m.name)));
}

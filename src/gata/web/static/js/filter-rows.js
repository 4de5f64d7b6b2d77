// The explorer's filter rows: field, operator and value(s) per row, added and removed by the user. Values go to
// the API as typed (numbers for numeric fields), except that a text value picked or typed as its label is sent
// as its raw value; the server coerces and validates them and names what is wrong.
import { pickValues } from "./value-picker.js";

const OPS = [
  ["eq", "="], ["ne", "≠"], ["gt", ">"], ["gte", "≥"], ["lt", "<"], ["lte", "≤"],
  ["in", "is one of"], ["not_in", "is none of"], ["contains", "contains"], ["starts_with", "starts with"],
  ["is_null", "is empty"], ["is_not_null", "is not empty"],
];
const LIST_OPS = new Set(["in", "not_in"]);
const NO_VALUE = new Set(["is_null", "is_not_null"]);
const NUMERIC = new Set(["integer", "number", "currency", "percent", "ratio", "seconds"]);
const PICKED = new Set(["eq", "ne", "in", "not_in"]); // ops compared with whole values: those a picker offers

const list = document.getElementById("q-filters");
let fields = []; // [{group, name, label, format}]
let valuesOf = async () => []; // (field, term) => the field's values matching term
const pickers = new WeakMap(); // filter row -> its value picker

/** Where the value pickers get a field's values from: `source(field, term)`, a promise of raw values. */
export function setValueSource(source) {
  valuesOf = source;
}

function option(value, text) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = text;
  return o;
}

function fieldSelect() {
  const select = document.createElement("select");
  select.name = "filter-field";
  const groups = new Map();
  for (const f of fields) {
    if (!groups.has(f.group)) {
      const g = document.createElement("optgroup");
      g.label = f.group;
      groups.set(f.group, g);
      select.append(g);
    }
    groups.get(f.group).append(option(f.name, f.label));
  }
  return select;
}

function relabel() {
  [...list.children].forEach((li, i) => {
    const n = i + 1;
    li.querySelector('[name="filter-field"]').setAttribute("aria-label", `Filter ${n}: field`);
    li.querySelector('[name="filter-op"]').setAttribute("aria-label", `Filter ${n}: operator`);
    li.querySelector('[name="filter-value"]').setAttribute("aria-label", `Filter ${n}: value`);
    li.querySelector("button").setAttribute("aria-label", `Remove filter ${n}`);
  });
}

function showValue(li) {
  const op = li.querySelector('[name="filter-op"]').value;
  const input = li.querySelector('[name="filter-value"]');
  input.parentElement.hidden = NO_VALUE.has(op);
  input.placeholder = LIST_OPS.has(op) ? "values, comma-separated" : "value";
}

/** A new filter row (optionally filled from a query condition); focus moves to its field. */
export function addFilter(condition = null, focus = true) {
  const li = document.createElement("li");
  li.className = "filter-row";
  const field = fieldSelect();
  const op = document.createElement("select");
  op.name = "filter-op";
  for (const [value, text] of OPS) op.append(option(value, text));
  const value = document.createElement("input");
  value.name = "filter-value";
  const wrap = document.createElement("span");
  wrap.className = "value-wrap";
  wrap.append(value);
  const picker = pickValues(value, (term) => valuesOf(field.value, term), {
    active: () => PICKED.has(op.value) && fields.find((f) => f.name === field.value)?.format === "text",
    list: () => LIST_OPS.has(op.value),
  });
  pickers.set(li, picker);
  field.addEventListener("change", () => {
    picker.forget();
    picker.close();
  });
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "secondary small";
  remove.textContent = "Remove";
  remove.addEventListener("click", () => {
    const next = li.nextElementSibling ?? li.previousElementSibling;
    li.remove();
    relabel();
    (next?.querySelector("select") ?? document.getElementById("q-add-filter")).focus();
  });
  op.addEventListener("change", () => showValue(li));
  if (condition) {
    if (![...field.options].some((o) => o.value === condition.field)) field.append(option(condition.field, condition.field));
    field.value = condition.field;
    op.value = condition.op ?? "eq";
    const v = condition.value;
    value.value = Array.isArray(v) ? v.join(", ") : v ?? "";
  }
  li.append(field, op, wrap, remove);
  list.append(li);
  showValue(li);
  relabel();
  if (focus) field.focus();
}

/** The fields a filter may name (dimensions own and joined, and measures: those filter after aggregation). */
export function setFilterFields(next) {
  fields = next;
  clearFilters();
}

export function clearFilters() {
  list.replaceChildren();
}

function typed(text, format) {
  const t = text.trim();
  return NUMERIC.has(format) && t !== "" && Number.isFinite(Number(t)) ? Number(t) : t;
}

/** The rows as query conditions; a row without a value (where one is needed) is an Error naming it. */
export function readFilters() {
  return [...list.children].map((li, i) => {
    const field = li.querySelector('[name="filter-field"]').value;
    const op = li.querySelector('[name="filter-op"]').value;
    const text = li.querySelector('[name="filter-value"]').value;
    const known = fields.find((f) => f.name === field);
    if (NO_VALUE.has(op)) return { field, op };
    const values = LIST_OPS.has(op) ? text.split(",").map((v) => v.trim()).filter(Boolean) : [text.trim()];
    if (!values.length || values[0] === "") {
      throw new Error(`Filter ${i + 1} (${known?.label ?? field}) needs a value.`);
    }
    const format = known?.format;
    // a label ("Facebook Ads") stands for its raw value (facebook_ads) when the picker has seen that value
    const raw = (v) => (format === "text" && PICKED.has(op) ? pickers.get(li).resolve(v) : typed(v, format));
    return { field, op, value: LIST_OPS.has(op) ? values.map(raw) : raw(text) };
  });
}

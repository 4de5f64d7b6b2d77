// The date-range picker: presets are the semantic layer's relative ranges (the server resolves them, so the
// page and the API agree on what "last 30 days" means); custom ranges are absolute days. The choice lives in
// the URL (?range=… or ?start=…&end=…), so reload, back and shared links keep it, and in the tab's storage for
// the tenant (range-store.js), so the other pages open on it. Opened without either, the page starts on
// `fallback` (a period that fits the tenant's data).
import { carriedRange, rangeParams, saveRange } from "./range-store.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const form = document.getElementById("range-form");
const preset = document.getElementById("range-preset");
const custom = document.getElementById("custom-range");
const start = document.getElementById("range-start");
const end = document.getElementById("range-end");

function showCustom() {
  custom.hidden = preset.value !== "custom";
}

/** A query's date_range from a preset ("custom" for the two days given), or an Error naming what is wrong. */
export function rangeOf(presetValue, startDay, endDay) {
  if (presetValue !== "custom") return { relative: presetValue };
  if (!DAY.test(startDay) || !DAY.test(endDay)) throw new Error("Choose both a start and an end day.");
  if (endDay < startDay) throw new Error("The end day is before the start day.");
  return { start: startDay, end: endDay };
}

/** Empty custom-range inputs start as the last 30 days, so the user edits a range rather than types one. */
export function defaultCustom(startInput, endInput) {
  if (startInput.value || endInput.value) return;
  endInput.value = new Date().toISOString().slice(0, 10);
  startInput.value = new Date(Date.now() - 29 * 86400000).toISOString().slice(0, 10);
}

/** Show a date_range in a period <select> and its custom days; a relative range it has no option for (the
 * tenant's "Last 20 days", the explorer's "This year") gets one. */
export function showRange(range, select, startInput, endInput) {
  if (range.relative) {
    if (![...select.options].some((o) => o.value === range.relative)) {
      // a period reads as a sentence ("Last 20 days"), not as a code's title-cased label
      const text = range.relative.replaceAll("_", " ");
      select.insertBefore(new Option(text[0].toUpperCase() + text.slice(1), range.relative), select.querySelector('option[value="custom"]'));
    }
    select.value = range.relative;
  } else {
    select.value = "custom";
    startInput.value = range.start;
    endInput.value = range.end;
  }
}

/** The date_range of the page's picker, or throws an Error naming what is wrong with the custom range. */
export function currentRange() {
  return rangeOf(preset.value, start.value, end.value);
}

/** Calls onChange(range) at start and whenever the user applies a range; onError(message) for a bad one. */
export function watchRange(tenant, fallback, onChange, onError) {
  const carried = carriedRange(tenant);
  showRange(carried ?? fallback, preset, start, end);
  showCustom();
  preset.addEventListener("change", () => {
    showCustom();
    if (preset.value === "custom") {
      defaultCustom(start, end);
      start.focus();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    let range;
    try {
      range = currentRange();
    } catch (err) {
      onError(err.message);
      return;
    }
    history.replaceState(null, "", `${location.pathname}?${rangeParams(range)}`);
    saveRange(tenant, range);
    onChange(range);
  });
  if (carried) saveRange(tenant, carried); // a range picked (here or on another page) goes on with the user
  try {
    onChange(currentRange());
  } catch (err) {
    onError(err.message);
  }
}

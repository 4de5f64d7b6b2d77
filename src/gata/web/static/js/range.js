// The date-range picker: presets are the semantic layer's relative ranges (the server resolves them, so the
// page and the API agree on what "last 30 days" means); custom ranges are absolute days. The choice lives in
// the URL (?range=… or ?start=…&end=…), so reload, back and shared links keep it.

const PRESETS = new Set(["last_7_days", "last_30_days", "last_90_days", "this_month", "last_month"]);
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

/** The date_range of the page's picker, or throws an Error naming what is wrong with the custom range. */
export function currentRange() {
  return rangeOf(preset.value, start.value, end.value);
}

function fromUrl() {
  const params = new URLSearchParams(location.search);
  if (params.has("start") && params.has("end")) {
    preset.value = "custom";
    start.value = params.get("start");
    end.value = params.get("end");
  } else if (PRESETS.has(params.get("range"))) {
    preset.value = params.get("range");
  }
  showCustom();
}

function toUrl(range) {
  const params = range.relative ? { range: range.relative } : { start: range.start, end: range.end };
  history.replaceState(null, "", `${location.pathname}?${new URLSearchParams(params)}`);
}

/** Calls onChange(range) at start and whenever the user applies a range; onError(message) for a bad one. */
export function watchRange(onChange, onError) {
  fromUrl();
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
    toUrl(range);
    onChange(range);
  });
  try {
    onChange(currentRange());
  } catch (err) {
    onError(err.message);
  }
}

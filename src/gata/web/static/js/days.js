// Calendar days as the API writes them ("2026-11-04"), counted in UTC like the semantic layer resolves them.

const MS_PER_DAY = 86_400_000;
const time = (iso) => Date.parse(`${iso}T00:00:00Z`);
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

export function addDays(day, n) {
  return iso(time(day) + n * MS_PER_DAY);
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a, b) {
  return Math.round((time(b) - time(a)) / MS_PER_DAY);
}

/** Every day of an inclusive {start, end}. */
export function daysOf(range) {
  const out = [];
  for (let d = range.start; d <= range.end; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The period of the same length that ends the day before `range` starts (the API's compare: previous_period). */
export function previousPeriod(range) {
  const length = daysBetween(range.start, range.end) + 1;
  return { start: addDays(range.start, -length), end: addDays(range.start, -1) };
}

export function today() {
  return new Date().toISOString().slice(0, 10);
}

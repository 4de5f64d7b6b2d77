// The periods of a time series: every period of a range at a grain, started as the semantic layer truncates
// days (weeks on Monday, DuckDB's date_trunc), and which of them are only partly there: a first or last period
// reaching outside the asked range, or one holding a day the data stops in (the API's partial_days).

const DAY_MS = 86_400_000;
const MONTHS = { month: 1, quarter: 3, year: 12 };
const iso = (d) => d.toISOString().slice(0, 10);
const utc = (day) => new Date(`${day.slice(0, 10)}T00:00:00Z`);

/** The first day of the period holding `day` (ISO dates in, ISO dates out). */
export function periodStart(day, grain) {
  const d = utc(day);
  if (grain === "week") d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  else if (grain in MONTHS) d.setUTCMonth(d.getUTCMonth() - (d.getUTCMonth() % MONTHS[grain]), 1);
  return iso(d);
}

function nextStart(day, grain) {
  const d = utc(day);
  if (grain === "day") d.setUTCDate(d.getUTCDate() + 1);
  else if (grain === "week") d.setUTCDate(d.getUTCDate() + 7);
  else d.setUTCMonth(d.getUTCMonth() + MONTHS[grain], 1);
  return iso(d);
}

/**
 * Every period from the one holding `start` to the one holding `end`, at most `most` (null beyond: too many to
 * draw one by one). Each is {key, last, partial}: key its first day (as the result's time column spells it),
 * partial the reasons it is not whole, or "". `bounded`: start and end are the asked range (not only the
 * data's first and last day), so a period reaching outside it is partial.
 */
export function periodsOf(start, end, grain, { partialDays = [], bounded = true, most = 4000 } = {}) {
  const out = [];
  for (let key = periodStart(start, grain); key <= end; key = nextStart(key, grain)) {
    if (out.length === most) return null;
    const last = iso(new Date(utc(nextStart(key, grain)) - DAY_MS));
    const reasons = [];
    if (bounded && (key < start || last > end)) reasons.push("only partly inside the range");
    if (partialDays.some((d) => d >= key && d <= last)) reasons.push("holds a day the data stops in");
    out.push({ key, last, partial: reasons.join(" and ") });
  }
  return out;
}

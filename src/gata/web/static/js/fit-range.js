// The period the dashboard opens on when none was picked: the last 30 days, unless the tenant's data is younger
// (a tenant onboarded three days ago opens on those days, not on 27 empty ones) or stopped more than 30 days ago
// (the last 30 days it has).
import { addDays, daysBetween } from "./days.js";

export const USUAL = { relative: "last_30_days" };
const LENGTH = 30;

/** A date_range over `today` (YYYY-MM-DD, UTC) for data from `firstDay` to `lastDay` (either may be missing). */
export function fittingRange(firstDay, lastDay, today) {
  if (!firstDay || !lastDay) return USUAL;
  if (daysBetween(lastDay, today) > LENGTH) {
    const from = addDays(lastDay, 1 - LENGTH);
    return { start: from > firstDay ? from : firstDay, end: lastDay };
  }
  const age = daysBetween(firstDay, today); // whole days before today: last_N_days ends yesterday
  if (age >= LENGTH) return USUAL;
  return age < 1 ? { relative: "today" } : { relative: `last_${age}_days` };
}

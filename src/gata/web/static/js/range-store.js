// The date range a user picked, kept while they move between a tenant's pages: in this tab's sessionStorage under
// the tenant's own key (a range of one tenant never opens another's pages), and in the page links' URLs
// (?range=… or ?start=…&end=…, what the dashboard reads), so a link opened in a new tab or shared keeps it too.

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// the semantic layer's relative ranges (gata.semantic.dates)
const RELATIVE = /^(today|yesterday|last_\d{1,4}_days|(this|last)_(week|month|quarter|year))$/;
const PAGES = /^\/app\/[^/]+(\/explore|\/health)?$/; // the pages that read or pass on a range

const storageKey = (tenant) => `gata.range.${tenant}`;

/** A date_range from URL parameters, or null when they name none (or a malformed one). */
export function rangeFromParams(params) {
  const start = params.get("start") ?? "";
  const end = params.get("end") ?? "";
  if (DAY.test(start) && DAY.test(end)) return { start, end };
  const relative = params.get("range") ?? "";
  return RELATIVE.test(relative) ? { relative } : null;
}

export function rangeParams(range) {
  return new URLSearchParams(range.relative ? { range: range.relative } : { start: range.start, end: range.end });
}

export function storedRange(tenant) {
  try {
    return rangeFromParams(new URLSearchParams(sessionStorage.getItem(storageKey(tenant)) ?? ""));
  } catch {
    return null; // storage disabled: the URL alone carries the range
  }
}

/** The range this page was opened with: its URL's, else the one last used on this tenant's pages in this tab. */
export function carriedRange(tenant) {
  return rangeFromParams(new URLSearchParams(location.search)) ?? storedRange(tenant);
}

/** The tenant's page links (dashboard, explorer, health) carry `range`. */
export function linkPages(range) {
  for (const link of document.querySelectorAll(".subnav a")) {
    const url = new URL(link.href);
    if (PAGES.test(url.pathname)) link.href = `${url.pathname}?${rangeParams(range)}`;
  }
}

export function saveRange(tenant, range) {
  try {
    sessionStorage.setItem(storageKey(tenant), rangeParams(range).toString());
  } catch {
    // storage disabled: the links below still carry it
  }
  linkPages(range);
}

// Numbers as the semantic layer describes them: each result column has a format and, for money, a currency.

const locale = undefined; // the browser's

const cache = new Map();
function nf(key, options) {
  if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(locale, options));
  return cache.get(key);
}

export function formatValue(value, column, { compact = false } = {}) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const fmt = column?.format ?? "number";
  switch (fmt) {
    case "currency":
      return nf(`cur-${column.currency}-${compact}`, {
        style: "currency",
        currency: column.currency || "USD",
        notation: compact ? "compact" : "standard",
        maximumFractionDigits: compact ? 1 : 2,
        minimumFractionDigits: compact ? 0 : 2,
      }).format(value);
    case "integer":
      return nf(`int-${compact}`, { notation: compact ? "compact" : "standard", maximumFractionDigits: compact ? 1 : 0 })
        .format(value);
    case "percent":
      return nf(`pct-${compact}`, { style: "percent", minimumFractionDigits: compact ? 0 : 2, maximumFractionDigits: compact ? 0 : 2 })
        .format(value);
    case "ratio":
      return `${nf("ratio", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value)}×`;
    case "seconds":
      return `${nf("sec", { maximumFractionDigits: 0 }).format(value)} s`;
    case "date":
    case "text":
    case "boolean":
      return String(value);
    default:
      return nf("num", { maximumFractionDigits: 2 }).format(value);
  }
}

/** A change as "+12.3%" (pct_change is a fraction). */
export function formatChange(fraction) {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return null;
  return nf("chg", { style: "percent", signDisplay: "exceptZero", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(fraction);
}

const dayFmt = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
export function formatDay(iso) {
  return dayFmt.format(new Date(`${iso}T00:00:00Z`));
}

/** Hours from an ISO timestamp to `now` (ms since the epoch); null without a timestamp. */
export function hoursSince(iso, now) {
  return iso ? Math.max(0, (now - Date.parse(iso.endsWith("Z") || iso.includes("+") ? iso : `${iso}Z`)) / 3_600_000) : null;
}

/** "4 min ago", "2.5 h ago": a page computes every relative time of one load with the same `now`. */
export function ago(hours) {
  if (hours === null || hours === undefined) return "–";
  return hours < 1 ? `${Math.round(hours * 60)} min ago` : `${hours.toFixed(1)} h ago`;
}

// brands and acronyms a code spells in lower case ("tiktok_ads" is TikTok Ads, not Tiktok Ads)
const WORDS = new Map(Object.entries({ tiktok: "TikTok", linkedin: "LinkedIn", bigcommerce: "BigCommerce",
  woocommerce: "WooCommerce", ga4: "GA4", utm: "UTM", cpc: "CPC", cpm: "CPM", cpa: "CPA", roas: "ROAS", ctr: "CTR",
  aov: "AOV", id: "ID", url: "URL", seo: "SEO", ios: "iOS" }));

/** A code as people read it: "facebook_ads" is "Facebook Ads" (a name), "OUTCOME_SALES" is "Outcome sales"
 * (an upper-case enum; a word of three letters or fewer, "USD", is an acronym and stays); anything else (a
 * campaign's own name, free text) is shown as it is. */
export function label(text) {
  const s = String(text ?? "(none)");
  if (/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(s)) {
    return s.split("_").map((w) => WORDS.get(w) ?? w[0].toUpperCase() + w.slice(1)).join(" ");
  }
  if (/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(s) && (s.includes("_") || s.length > 3)) {
    const words = s.toLowerCase().split("_").map((w) => WORDS.get(w) ?? w);
    return [words[0][0].toUpperCase() + words[0].slice(1), ...words.slice(1)].join(" ");
  }
  return s;
}

// KPI cards: one query per model with compare=previous_period, so every value comes with its change.
import { query } from "./api.js";
import { formatChange, formatValue } from "./format.js";
import { setBusy } from "./skeleton.js";

// better: which direction of change is good news (colours only; the text always says up or down).
// ROAS and cost per order each have their named readings side by side: what the platforms claim, what UTM
// attribution gives the shop's orders, and (ROAS) all revenue over all spend.
export const KPIS = [
  { key: "spend", model: "ad_performance", measure: "spend", better: null },
  { key: "revenue", model: "orders", measure: "revenue", better: "up" },
  { key: "orders", model: "orders", measure: "orders", better: "up" },
  { key: "aov", model: "orders", measure: "aov", better: "up" },
  { key: "mer", model: "business", measure: "mer", better: "up" },
  { key: "attributed_roas", model: "blended", measure: "attributed_roas", better: "up" },
  { key: "platform_roas", model: "ad_performance", measure: "platform_roas", better: "up" },
  { key: "sessions", model: "sessions", measure: "sessions", better: "up" },
  { key: "conversion_rate", model: "sessions", measure: "conversion_rate", better: "up" },
  { key: "attributed_cost_per_order", model: "blended", measure: "attributed_cost_per_order", better: "down" },
  { key: "platform_cpa", model: "ad_performance", measure: "platform_cpa", better: "down" },
];

function card(key) {
  return document.querySelector(`[data-kpi="${key}"]`);
}

function renderKpi(kpi, result) {
  const el = card(kpi.key);
  const row = result.rows[0] ?? {};
  const column = result.columns.find((c) => c.name === kpi.measure);
  const value = row[kpi.measure];
  const pct = row[`${kpi.measure}_pct_change`];
  const previous = row[`${kpi.measure}_previous`];
  // days the platforms still restate: the change is not like for like, so it is neither good nor bad news
  const settling = (result.unsettled ?? []).filter((u) => u.measures.includes(kpi.measure));
  el.dataset.value = value ?? "";
  el.dataset.state = "ready";
  setBusy(el, false);
  el.dataset.settling = settling.length ? "true" : "false";
  el.querySelector('[data-role="value"]').textContent = formatValue(value, column);
  const change = el.querySelector('[data-role="change"]');
  const text = formatChange(pct);
  change.className = "kpi-change";
  if (value === null || value === undefined) {
    change.textContent = "No data in this period";
  } else if (settling.length) {
    const days = settling.find((u) => u.period === "current") ?? settling[0];
    change.classList.add("settling");
    change.textContent = `Settling: platforms restate ${days.start} to ${days.end} for ${days.restated_days} days`;
  } else if (text === null) {
    change.textContent = previous ? "No change" : "No data in the previous period";
  } else {
    const up = pct > 0;
    change.textContent = `${up ? "▲" : pct < 0 ? "▼" : ""} ${text} vs previous period`;
    change.setAttribute("aria-label", `${up ? "up" : "down"} ${text} versus previous period (${formatValue(previous, column)})`);
    if (kpi.better && pct !== 0) change.classList.add((kpi.better === "up") === up ? "good" : "bad");
  }
  change.title = `Previous period: ${formatValue(previous, column)}`;
}

function failKpi(kpi, message) {
  const el = card(kpi.key);
  el.dataset.state = "error";
  setBusy(el, false);
  el.dataset.value = "";
  el.querySelector('[data-role="value"]').textContent = "–";
  const change = el.querySelector('[data-role="change"]');
  change.className = "kpi-change error";
  change.textContent = message;
}

/** Loads every KPI for the range: the absolute range the server resolved (with its partial-day note), or the
 * first error once all settled. */
export async function loadKpis(tenant, dateRange) {
  const byModel = new Map();
  for (const kpi of KPIS) byModel.set(kpi.model, [...(byModel.get(kpi.model) ?? []), kpi]);
  let resolved = null;
  const outcomes = await Promise.allSettled(
    [...byModel].map(async ([model, kpis]) => {
      for (const kpi of kpis) {
        card(kpi.key).dataset.state = "loading";
        setBusy(card(kpi.key), true);
      }
      try {
        const result = await query(tenant, {
          model,
          measures: kpis.map((k) => k.measure),
          date_range: dateRange,
          compare: "previous_period",
        });
        // the dashboard's note is the partial day's alone (the service lists it first): settling days are on
        // their cards, and the notes of whichever model answers first would make the page differ run to run
        resolved ??= { ...result.date_range, notes: result.partial_days?.length ? result.notes.slice(0, 1) : [] };
        for (const kpi of kpis) renderKpi(kpi, result);
      } catch (err) {
        for (const kpi of kpis) failKpi(kpi, err.message);
        throw err;
      }
    }),
  );
  const failed = outcomes.find((o) => o.status === "rejected");
  if (failed) throw failed.reason;
  return resolved;
}

// The top-campaigns table: the ten campaigns that spent most in the period, their platform and attributed
// figures, the change of spend, attributed revenue and attributed ROAS against the previous period, sortable by
// any column; a campaign's row opens the explorer on that campaign's days, with the dashboard's date range.
import { query } from "./api.js";
import { formatChange, formatValue, label } from "./format.js";
import { col } from "./result.js";
import { setBusy } from "./skeleton.js";
import { sortable } from "./sortable.js";
import { failTable, fillTable } from "./table.js";

const table = document.getElementById("campaigns");
const section = table.closest("section");
const SPEND = 2; // the column the API's order (spend, largest first) sorts
const resort = sortable(table, SPEND, "descending");
const AD_MEASURES = ["spend", "clicks", "ctr", "cpc", "conversions", "platform_roas"];

/** The explorer's share link (explore.js: ?q=<the structured query as JSON>) for one campaign's days. */
export function campaignLink(tenant, row, dateRange) {
  const same = (field, value) => (value === null || value === undefined ? { field, op: "is_null" } : { field, op: "eq", value });
  const q = {
    model: "ad_performance",
    dimensions: ["campaign_name", "source_platform"],
    measures: AD_MEASURES,
    filters: [same("campaign_name", row.campaign_name), same("source_platform", row.source_platform)],
    time_grain: "day",
    date_range: dateRange,
    order_by: [{ field: "report_date", direction: "asc" }],
  };
  return `/app/${encodeURIComponent(tenant)}/explore?q=${encodeURIComponent(JSON.stringify(q))}`;
}

// a click anywhere on a row follows its campaign's link (the link itself is what the keyboard reaches)
table.tBodies[0].addEventListener("click", (event) => {
  if (event.target.closest("a")) return;
  event.target.closest("tr")?.querySelector("a")?.click();
});

/** A change against the previous period: "+12.3%", coloured when `better` says which way is good news. */
function change(key, pct, better) {
  const cls = better && pct ? ((pct > 0) === (better === "up") ? "ok" : "bad") : undefined;
  return [formatChange(pct) ?? "–", { num: true, col: key, value: pct ?? "", cls }];
}

export async function campaigns(tenant, dateRange) {
  setBusy(section, true);
  section.dataset.state = "loading";
  try {
    const ads = await query(tenant, { model: "ad_performance", dimensions: ["source_platform", "campaign_name"], measures: AD_MEASURES, date_range: dateRange, compare: "previous_period", order_by: [{ field: "spend", direction: "desc" }], limit: 10 });
    if (!ads.rows.length) return fillTable(section, [], null, "No campaign spent anything in this period.");
    // attributed figures joined on platform and name: one name on two platforms is two campaigns
    const blended = await query(tenant, { model: "blended", dimensions: ["source_platform", "campaign_name"], measures: ["revenue", "attributed_roas"], date_range: dateRange, compare: "previous_period", filters: [{ field: "campaign_name", op: "in", value: ads.rows.map((r) => r.campaign_name) }, { field: "source_platform", op: "in", value: [...new Set(ads.rows.map((r) => r.source_platform))] }], limit: 1000 });
    const attributed = new Map(blended.rows.map((r) => [`${r.source_platform}|${r.campaign_name}`, r]));
    const unattributed = (r) => ({ revenue: 0, attributed_roas: r.spend ? 0 : null, revenue_pct_change: null, attributed_roas_pct_change: null });
    const rows = ads.rows.map((r) => ({ ...r, ...(attributed.get(`${r.source_platform}|${r.campaign_name}`) ?? unattributed(r)) }));
    const cell = (result, key) => (r) => [formatValue(r[key], col(result, key)), { num: true, col: key, value: r[key] ?? "" }];
    const columns = [
      cell(ads, "spend"), (r) => change("spend_change", r.spend_pct_change, null),
      ...["clicks", "ctr", "cpc", "conversions", "platform_roas"].map((key) => cell(ads, key)),
      cell(blended, "revenue"), (r) => change("revenue_change", r.revenue_pct_change, "up"),
      cell(blended, "attributed_roas"), (r) => change("attributed_roas_change", r.attributed_roas_pct_change, "up"),
    ];
    fillTable(section, rows, (r) => [
      [r.campaign_name ?? "(unnamed)", { head: true, href: campaignLink(tenant, r, dateRange) }],
      label(r.source_platform),
      ...columns.map((c) => c(r)),
    ]);
    resort();
  } catch (err) {
    failTable(section, `Could not load campaigns: ${err.message}`);
    throw err;
  }
}

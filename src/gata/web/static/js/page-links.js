// Every page of a tenant: its links to the other pages carry the date range it was opened with (its URL's, else
// the one last used on this tenant's pages in this tab).
import { carriedRange, saveRange } from "./range-store.js";

const tenant = document.querySelector(".subnav")?.dataset.tenant;
const range = tenant && carriedRange(tenant);
if (range) saveRange(tenant, range);

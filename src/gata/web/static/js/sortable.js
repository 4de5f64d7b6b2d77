// A table sorted by its column headers: each header becomes a button (so Tab and Enter or Space sort too) and
// the sorted column carries aria-sort. Rows are ordered by a cell's data-value when it has one (numbers), else by
// its text; cells without a value go last whichever the direction. A first click sorts numbers from the largest,
// text from A; a second click on the same column turns the order round.
import { el } from "./dom.js";

const SORTS = { ascending: 1, descending: -1 };

function key(cell) {
  if (cell.dataset.value !== undefined) return cell.dataset.value === "" ? null : Number(cell.dataset.value);
  const text = cell.textContent.trim();
  return text === "" || text === "–" ? null : text;
}

function compare(a, b, sign) {
  if (a === null || b === null) return (a === null) - (b === null); // empty last, either way
  return sign * (typeof a === "number" && typeof b === "number" ? a - b : String(a).localeCompare(String(b)));
}

/** Make `table` sortable, first by column `index` in `direction`; returns a function that sorts the rows again
 * (call it after filling the table). */
export function sortable(table, index, direction) {
  const heads = [...table.tHead.rows[0].cells];
  let sorted = { index, direction };

  function apply() {
    heads.forEach((th, i) => (i === sorted.index ? th.setAttribute("aria-sort", sorted.direction) : th.removeAttribute("aria-sort")));
    const body = table.tBodies[0];
    const sign = SORTS[sorted.direction];
    const rows = [...body.rows].map((tr) => [key(tr.cells[sorted.index]), tr]);
    rows.sort(([a], [b]) => compare(a, b, sign));
    body.append(...rows.map(([, tr]) => tr));
  }

  heads.forEach((th, i) => {
    const button = el("button", { type: "button", className: "sort", text: th.textContent });
    th.replaceChildren(button);
    button.addEventListener("click", () => {
      const first = th.classList.contains("num") ? "descending" : "ascending";
      const again = sorted.index === i;
      sorted = { index: i, direction: again ? (sorted.direction === "ascending" ? "descending" : "ascending") : first };
      apply();
    });
  });
  apply();
  return apply;
}

// Tables of a card: rows rendered as text (never HTML), an empty message when there are none.
import { setBusy } from "./skeleton.js";

/**
 * Fill the table inside `section` with one row per item; `cells(item)` gives [text, {num, col, head, value, href}]
 * pairs (value: the raw value, kept in data-value; href: the text links there) or plain texts. With no items the
 * table is hidden and
 * `emptyMessage` shown instead.
 */
export function fillTable(section, items, cells, emptyMessage) {
  const table = section.querySelector("table");
  const body = table.querySelector("tbody");
  const empty = section.querySelector('[data-role="empty"]');
  body.replaceChildren();
  empty.classList.remove("error");
  if (!items.length) {
    table.hidden = true;
    empty.textContent = emptyMessage;
    empty.hidden = false;
    section.dataset.state = "empty";
    setBusy(section, false);
    return;
  }
  for (const item of items) {
    const tr = document.createElement("tr");
    for (const cell of cells(item)) {
      const [text, opts] = Array.isArray(cell) ? cell : [cell, {}];
      const td = document.createElement(opts.head ? "th" : "td");
      if (opts.head) td.scope = "row";
      if (opts.num) td.className = "num";
      if (opts.col) td.dataset.col = opts.col;
      if (opts.cls) td.classList.add(opts.cls);
      if (opts.value !== undefined) td.dataset.value = opts.value;
      if (opts.href) {
        const link = document.createElement("a");
        link.href = opts.href;
        link.textContent = text ?? "";
        td.append(link);
      } else {
        td.textContent = text ?? "";
      }
      tr.append(td);
    }
    body.append(tr);
  }
  table.hidden = false;
  empty.hidden = true;
  section.dataset.state = "ready";
  setBusy(section, false);
}

export function failTable(section, message) {
  section.querySelector("table").hidden = true;
  const empty = section.querySelector('[data-role="empty"]');
  empty.textContent = message;
  empty.classList.add("error");
  empty.hidden = false;
  section.dataset.state = "error";
  setBusy(section, false);
}

// A filter value's picker (the ARIA combobox pattern): as the user types, the field's values that match (by the
// raw code or by the label people read: "facebook ads" finds facebook_ads) are listed under the input; arrows
// move, Enter or a click picks, Escape closes. The page shows labels; the filter sends the raw value.
import { label } from "./format.js";

const WAIT_MS = 150; // typing pauses this long before the values are asked for
let made = 0;

/**
 * Make `input` a combobox over `source(term)` (a promise of raw values), or of nothing while `active()` is false.
 * `list()`: the input holds comma-separated values (pick replaces the last). Returns {resolve, close}:
 * resolve(text) is the raw value a shown or typed label stands for (the text itself when none is known).
 */
export function pickValues(input, source, { active, list }) {
  const box = document.createElement("ul");
  box.id = `value-options-${++made}`;
  box.setAttribute("role", "listbox");
  box.className = "value-options";
  box.hidden = true;
  input.after(box);
  Object.assign(input, { autocomplete: "off" });
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", box.id);
  input.setAttribute("aria-expanded", "false");
  const known = new Map(); // lower-cased label and raw value -> raw value, for every value seen
  let timer = null;
  let asked = 0;
  let active_ = -1;

  const current = () => (list() ? input.value.split(",").at(-1) : input.value).trim();

  function close() {
    box.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active_ = -1;
  }

  function highlight(i) {
    const options = [...box.children];
    active_ = (i + options.length) % options.length;
    options.forEach((o, k) => o.setAttribute("aria-selected", String(k === active_)));
    input.setAttribute("aria-activedescendant", options[active_].id);
    options[active_].scrollIntoView({ block: "nearest" });
  }

  function pick(raw) {
    const shown = label(raw);
    if (list()) {
      const parts = input.value.split(",").slice(0, -1).map((p) => p.trim()).filter(Boolean);
      input.value = [...parts, shown].join(", ");
    } else input.value = shown;
    close();
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show(values) {
    box.replaceChildren(...values.map((raw, i) => {
      const li = document.createElement("li");
      li.id = `${box.id}-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.value = raw;
      li.textContent = label(raw);
      li.addEventListener("mousedown", (event) => event.preventDefault()); // the input keeps the focus
      li.addEventListener("click", () => pick(raw));
      return li;
    }));
    box.hidden = !values.length;
    input.setAttribute("aria-expanded", String(values.length > 0));
    active_ = -1;
  }

  async function ask() {
    if (!active()) return close();
    const mine = ++asked;
    let values;
    try {
      values = (await source(current())).filter((v) => v !== null && v !== undefined).map(String);
    } catch {
      return close(); // no suggestions; the value typed is still sent as it is
    }
    if (mine !== asked || document.activeElement !== input) return undefined;
    for (const v of values) {
      known.set(v.toLowerCase(), v);
      known.set(label(v).toLowerCase(), v);
    }
    return show(values);
  }

  input.addEventListener("focus", ask);
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, WAIT_MS);
  });
  input.addEventListener("blur", close);
  input.addEventListener("keydown", (event) => {
    const open = !box.hidden && box.children.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) return ask();
      return highlight(active_ + (event.key === "ArrowDown" ? 1 : -1));
    }
    if (event.key === "Enter" && open && active_ >= 0) {
      event.preventDefault(); // picks the value; a second Enter runs the query
      return pick(box.children[active_].dataset.value);
    }
    if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
    return undefined;
  });

  return { resolve: (text) => known.get(text.trim().toLowerCase()) ?? text.trim(), close, forget: () => known.clear() };
}

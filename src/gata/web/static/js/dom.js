// Building elements: el("input", {type: "checkbox", checked: true, text: "..."}, ...children). Properties the
// element has are set as properties (value, checked, hidden), the rest as attributes; null, undefined and false
// are left out.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") node.textContent = v;
    else if (k in node && k !== "list") node[k] = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children);
  return node;
}

// The explorer chart's own controls: its type (automatic, line, bar, or none: the table alone) and which of the
// result's measures are drawn. A change redraws the last result; the API is not asked again.

const box = document.getElementById("chart-controls");
const type = document.getElementById("chart-type");
const drawn = document.getElementById("chart-measures");

/** Offer the result's measures (all drawn at first; a measure already offered keeps its choice). */
export function offerMeasures(measures) {
  const before = new Map([...drawn.querySelectorAll("input")].map((i) => [i.value, i.checked]));
  drawn.replaceChildren(...measures.map((m) => {
    const wrap = document.createElement("div");
    const input = Object.assign(document.createElement("input"), {
      type: "checkbox", id: `chart-measure-${m.name}`, value: m.name, checked: before.get(m.name) ?? true,
    });
    const lab = Object.assign(document.createElement("label"), { htmlFor: input.id, textContent: m.label });
    wrap.append(input, lab);
    return wrap;
  }));
  box.hidden = !measures.length;
}

export function hideControls() {
  box.hidden = true;
}

/** {type: auto | line | bar | table, drawn: Set of measure names}. */
export function chartChoice() {
  return { type: type.value, drawn: new Set([...drawn.querySelectorAll("input:checked")].map((i) => i.value)) };
}

export function watchChartControls(redraw) {
  type.addEventListener("change", redraw);
  drawn.addEventListener("change", redraw);
}

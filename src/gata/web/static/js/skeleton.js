// A part of a page whose query is running: drawn as a grey placeholder (the stylesheet's .skeleton) and marked
// aria-busy, so a slow answer reads as "loading" rather than as an empty or broken card.

export function setBusy(element, busy) {
  element.classList.toggle("skeleton", busy);
  element.setAttribute("aria-busy", String(busy));
}

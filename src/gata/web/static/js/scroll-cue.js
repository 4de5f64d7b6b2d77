// Wide content that scrolls sideways inside its card (tables, code) says so. While part of a scroller is out of
// view, it carries data-overflow ("end", "start" or "both": the sides with more to see), which the stylesheet
// draws as a shadow on that edge, and a "Scroll sideways" hint shows above it; content that fits shows neither.

const SCROLLERS = ".table-scroll, pre.sql, pre.code";

function watch(scroller) {
  if (scroller.dataset.overflow) return;
  const hint = document.createElement("p");
  hint.className = "scroll-hint";
  hint.setAttribute("aria-hidden", "true"); // the region itself is reachable and scrollable by keyboard
  hint.textContent = "Scroll sideways for more →";
  hint.hidden = true;
  scroller.before(hint);
  const update = () => {
    const hidden = scroller.scrollWidth - scroller.clientWidth;
    const before = scroller.scrollLeft > 1;
    const after = scroller.scrollLeft < hidden - 1;
    const overflow = hidden <= 1 ? "none" : before && after ? "both" : before ? "start" : "end";
    if (scroller.dataset.overflow !== overflow) scroller.dataset.overflow = overflow;
    hint.hidden = overflow === "none";
  };
  scroller.addEventListener("scroll", update, { passive: true });
  new ResizeObserver(update).observe(scroller);
  // rows filled in, a result replaced: the content's width changes without the scroller's box changing
  const changes = { childList: true, subtree: true, characterData: true, attributeFilter: ["hidden"] };
  new MutationObserver(update).observe(scroller, changes);
  update();
}

/** Watch every scroller in `root` (the page by default). */
export function watchScrollers(root = document) {
  for (const scroller of root.querySelectorAll(SCROLLERS)) watch(scroller);
}

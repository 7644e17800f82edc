// Page glue for the widget manager: MathJax 3 for the controls' labels, and names for screen readers.

/** Typeset the math in `element` once MathJax 3 has started (a no-op on a page without MathJax). */
export function typesetMath(element) {
  const mj = window.MathJax;
  if (!mj || !mj.startup || !mj.startup.promise) return;
  mj.startup.promise
    .then(() => mj.typesetPromise(element ? [element] : undefined))
    .catch((err) => console.warn("MathJax typeset failed", err));
}

// ipywidgets 8's controls typeset LaTeX in labels with MathJax 2's MathJax.Hub.Queue; the site
// runs MathJax 3: give it the one call they make.
function installHub() {
  const mj = window.MathJax;
  if (!mj || mj.Hub || !mj.startup) return;
  mj.Hub = {
    Queue(...jobs) {
      for (const job of jobs) typesetMath(Array.isArray(job) && job[0] === "Typeset" ? job[2] : undefined);
    },
  };
}

const ICON_NAMES = { play: "play", pause: "pause", stop: "stop", repeat: "repeat", retweet: "repeat", sync: "repeat" };

// ipywidgets' slider handles have role="slider" but no accessible name: give each its slider's
// label, so a screen reader says "learning rate slider" rather than "slider". The Play widget's
// buttons show only an icon: name each after its icon.
export function nameControls(root = document) {
  installHub();
  const handles = root.querySelectorAll(
    '.jupyter-widgets [role="slider"]:not([aria-label]):not([aria-labelledby])');
  for (const handle of handles) {
    const box = handle.closest(".widget-slider, .widget-hslider, .widget-vslider, .jupyter-widgets");
    const label = box && box.querySelector(".widget-label");
    const name = label && label.textContent.trim();
    handle.setAttribute("aria-label", name || "slider");
  }
  for (const button of root.querySelectorAll(".jupyter-widgets button:not([aria-label]):not([title])")) {
    if (button.textContent.trim()) continue;
    const icon = button.querySelector("i, .fa");
    const match = icon && /fa-(play|pause|stop|repeat|retweet|sync)/.exec(icon.className);
    button.setAttribute("aria-label", match ? ICON_NAMES[match[1]] : "button");
  }
}

document.addEventListener("DOMContentLoaded", installHub);
window.addEventListener("load", installHub);
let pending = false;
new MutationObserver(() => {
  if (pending) return;
  pending = true;
  window.requestAnimationFrame(() => {
    pending = false;
    nameControls();
  });
}).observe(document.documentElement, { subtree: true, childList: true });

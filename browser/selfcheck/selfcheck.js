// Self-check questions on the static site (issue 28): tools/sphinx_selfcheck.py checks and numbers
// them at build time; this script makes each one answerable, with no kernel and no network.
//
// The page holds each question as MyST wrote it: an admonition (class "selfcheck") whose options are
// dropdowns (<details class="sd-dropdown">) that open on their explanation. Here each becomes
//  - a group of radio buttons (a choice question) or a number field with a Check button (numeric);
//  - a feedback region (aria-live) that shows the chosen option's own explanation, marked
//    "Right" or "Not quite" in words and with a symbol (never by colour alone);
//  - for a "predict" question, the output of the next code cell stays hidden until the reader has
//    answered, or pressed "Show me anyway";
// and the reader's answers are kept in localStorage (nothing leaves the page), with a
// "Clear my answers on this page" button after the last question.
"use strict";

(function () {
  const STORE = "relubook-selfcheck:";
  const page = document.documentElement.dataset.pagename || location.pathname.replace(/\.html$/, "");

  function storageGet(key) {
    try {
      return JSON.parse(window.localStorage.getItem(STORE + key));
    } catch (e) {
      return null;
    }
  }
  function storageSet(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(STORE + key);
      else window.localStorage.setItem(STORE + key, JSON.stringify(value));
    } catch (e) {
      /* storage may be off (private mode, file://): the page still works, it just forgets */
    }
  }

  function parseNumber(text) {
    const cleaned = String(text).replace(/\u2212/g, "-").replace(/[\s\u202f,]/g, "").replace(/%$/, "");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) return NaN;
    return Number(cleaned);
  }

  function nextCodeCell(node) {
    // The first code cell after the question in document order.
    const cells = Array.from(document.querySelectorAll("div.cell"));
    return cells.find((cell) => node.compareDocumentPosition(cell) & Node.DOCUMENT_POSITION_FOLLOWING) || null;
  }

  function readingOf(cell) {
    // The text that reads the cell's result: the elements after it, up to the next code cell,
    // heading, section or question (a prediction is moot if the next paragraph states the result).
    const found = [];
    for (let el = cell.nextElementSibling; el; el = el.nextElementSibling) {
      if (el.matches("div.cell, section, h1, h2, h3, h4, h5, h6, .admonition, .sd-dropdown, .selfcheck-reset")) break;
      found.push(el);
    }
    return found;
  }

  function optionParts(details) {
    const summary = details.querySelector(":scope > summary .sd-summary-text") || details.querySelector(":scope > summary");
    const body = details.querySelector(":scope > .sd-summary-content") || details;
    return { label: summary ? summary.innerHTML : "", text: summary ? summary.textContent.trim() : "", body };
  }

  function verdictOf(body) {
    const strong = body.querySelector("p strong");
    const word = strong ? strong.textContent.trim() : "";
    return /^Right\b/.test(word) ? "right" : /^Not quite\b/.test(word) ? "wrong" : "unknown";
  }

  function setup(admonition, index) {
    const id = admonition.id || `selfcheck-${index + 1}`;
    const key = `${page}#${id}`;
    const dropdowns = Array.from(admonition.querySelectorAll("details.sd-dropdown"));
    if (!dropdowns.length) return null;
    const title = admonition.querySelector(".admonition-title");
    const titleId = `${id}-title`;
    if (title) title.id = titleId;
    const isPredict = admonition.classList.contains("predict");
    const numeric = dropdowns.length === 1 && optionParts(dropdowns[0]).text === "Answer";
    admonition.classList.add("selfcheck-ready");

    const form = document.createElement("form");
    form.className = "selfcheck-form";
    form.setAttribute("aria-labelledby", titleId);
    const feedback = document.createElement("div");
    feedback.className = "selfcheck-feedback";
    feedback.setAttribute("aria-live", "polite");
    feedback.setAttribute("role", "status");

    let hiddenCell = null;
    let hiddenReading = [];
    let revealButton = null;
    function reveal() {
      if (!hiddenCell) return;
      hiddenCell.classList.remove("selfcheck-hidden-output");
      hiddenReading.forEach((el) => el.classList.remove("selfcheck-hidden-reading"));
      hiddenReading = [];
      const note = hiddenCell.querySelector(".selfcheck-output-note");
      if (note) note.remove();
      hiddenCell = null;
    }
    if (isPredict) {
      const cell = nextCodeCell(admonition);
      if (cell && cell.querySelector(".cell_output")) {
        hiddenCell = cell;
        cell.classList.add("selfcheck-hidden-output");
        hiddenReading = readingOf(cell);
        hiddenReading.forEach((el) => el.classList.add("selfcheck-hidden-reading"));
        const note = document.createElement("p");
        note.className = "selfcheck-output-note";
        note.textContent = hiddenReading.length
          ? "The result, and the text that reads it, are hidden until you commit to a prediction above. "
          : "The result is hidden until you commit to a prediction above. ";
        revealButton = document.createElement("button");
        revealButton.type = "button";
        revealButton.className = "selfcheck-button";
        revealButton.textContent = "Show me anyway";
        revealButton.addEventListener("click", () => {
          reveal();
          storageSet(key + ":revealed", true);
        });
        note.appendChild(revealButton);
        const out = cell.querySelector(".cell_output");
        out.parentNode.insertBefore(note, out);
      }
    }

    function show(verdict, body, extra) {
      feedback.innerHTML = "";
      const head = document.createElement("p");
      head.className = `selfcheck-verdict selfcheck-${verdict}`;
      // An explanation that opens with its own verdict ("Right." / "Not quite.") is not preceded by
      // the same words: the mark alone, which screen readers skip.
      const said = body && verdictOf(body) !== "unknown" && !extra;
      if (said) {
        head.textContent = verdict === "right" ? "\u2714" : "\u2718";
        head.setAttribute("aria-hidden", "true");
      } else {
        head.textContent = verdict === "right" ? "\u2714 Right. " : "\u2718 Not quite. ";
      }
      if (extra) head.textContent += extra;
      feedback.appendChild(head);
      if (body) {
        const clone = body.cloneNode(true);
        clone.classList.add("selfcheck-explanation");
        clone.querySelectorAll("[id]").forEach((el) => el.removeAttribute("id"));
        feedback.appendChild(clone);
      }
      if (isPredict) reveal();
    }

    const clearers = [];
    if (numeric) {
      const { body } = optionParts(dropdowns[0]);
      const text = body.textContent.replace(/\s+/g, " ");
      const m = text.match(/Answer:\s*([-\u2212+]?\s*[\d.]+(?:[eE][-\u2212+]?\d+)?)/);
      const tolMatch = text.match(/\(\s*\u00b1\s*([\d.]+(?:[eE][-\u2212+]?\d+)?)/);
      const answer = m ? parseNumber(m[1]) : NaN;
      const tol = tolMatch ? parseNumber(tolMatch[1]) : Math.abs(answer) * 0.02 + 1e-12;
      const label = document.createElement("label");
      label.textContent = "Your answer: ";
      const input = document.createElement("input");
      input.type = "text";
      input.inputMode = "decimal";
      input.autocomplete = "off";
      input.className = "selfcheck-number";
      label.appendChild(input);
      const button = document.createElement("button");
      button.type = "submit";
      button.className = "selfcheck-button";
      button.textContent = "Check";
      form.append(label, " ", button);
      const check = (value, save) => {
        const x = parseNumber(value);
        if (Number.isNaN(x)) {
          feedback.innerHTML = "";
          const p = document.createElement("p");
          p.className = "selfcheck-verdict";
          p.textContent = `\u201c${value}\u201d is not a number: type digits, for example 0.25 or -1.5e-3.`;
          feedback.appendChild(p);
          return;
        }
        if (save) storageSet(key, { value });
        const right = Math.abs(x - answer) <= tol;
        if (right) show("right", body, "");
        else show("wrong", null, `You gave ${value}; that is not ${tol > 0 ? `within ${tol} of ` : ""}the answer. `
          + "Think again, or open the answer below.");
        if (!right) {
          const details = document.createElement("details");
          details.className = "selfcheck-giveup";
          const s = document.createElement("summary");
          s.textContent = "Show the answer";
          details.appendChild(s);
          const clone = body.cloneNode(true);
          clone.querySelectorAll("[id]").forEach((el) => el.removeAttribute("id"));
          details.appendChild(clone);
          feedback.appendChild(details);
        }
      };
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        check(input.value, true);
      });
      const saved = storageGet(key);
      if (saved && saved.value !== undefined) {
        input.value = saved.value;
        check(saved.value, false);
      }
      clearers.push(() => {
        input.value = "";
      });
    } else {
      const fieldset = document.createElement("fieldset");
      // Named by the question's title itself (typeset by MathJax, with its assistive MathML), not a
      // copy: a copy made now would hold the title's TeX source, which MathJax never typesets.
      if (title) fieldset.setAttribute("aria-labelledby", titleId);
      else fieldset.setAttribute("aria-label", "Self-check");
      const options = dropdowns.map((details, i) => {
        const parts = optionParts(details);
        const label = document.createElement("label");
        label.className = "selfcheck-option";
        const input = document.createElement("input");
        input.type = "radio";
        input.name = key;
        input.value = String(i);
        const span = document.createElement("span");
        span.innerHTML = parts.label;
        span.querySelectorAll("[id]").forEach((el) => el.removeAttribute("id"));
        // The option's name for screen readers: its text with TeX delimiters dropped (MathJax may
        // typeset the visible copy later, or not at all in a reader without scripts' fonts).
        input.setAttribute("aria-label", parts.text.replace(/\\[()[\]]/g, "").replace(/\s+/g, " ").trim() || `option ${i + 1}`);
        label.append(input, " ", span);
        fieldset.appendChild(label);
        input.addEventListener("change", () => {
          storageSet(key, { option: i });
          show(verdictOf(parts.body), parts.body, "");
        });
        return { input, parts };
      });
      form.appendChild(fieldset);
      const saved = storageGet(key);
      if (saved && Number.isInteger(saved.option) && options[saved.option]) {
        options[saved.option].input.checked = true;
        show(verdictOf(options[saved.option].parts.body), options[saved.option].parts.body, "");
      }
      clearers.push(() => options.forEach((o) => (o.input.checked = false)));
    }
    if (isPredict && storageGet(key + ":revealed")) reveal();

    // The dropdowns stay in the page (print and no-script readers use them) but are hidden here.
    const holder = document.createElement("div");
    holder.className = "selfcheck-source";
    dropdowns[0].parentNode.insertBefore(holder, dropdowns[0]);
    dropdowns.forEach((d) => holder.appendChild(d));
    holder.hidden = true;
    holder.parentNode.insertBefore(form, holder);
    holder.parentNode.insertBefore(feedback, holder);

    return {
      clear() {
        storageSet(key, null);
        storageSet(key + ":revealed", null);
        clearers.forEach((f) => f());
        feedback.innerHTML = "";
      },
      admonition,
    };
  }

  function init() {
    const questions = Array.from(document.querySelectorAll("div.admonition.selfcheck")).map(setup).filter(Boolean);
    if (!questions.length) return;
    const last = questions[questions.length - 1].admonition;
    const bar = document.createElement("p");
    bar.className = "selfcheck-clear";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "selfcheck-button";
    button.textContent = "Clear my answers on this page";
    const status = document.createElement("span");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    button.addEventListener("click", () => {
      questions.forEach((q) => q.clear());
      status.textContent = " Your answers on this page are cleared.";
    });
    bar.append(button, status);
    last.parentNode.insertBefore(bar, last.nextSibling);
    window.relubookSelfcheck = { count: questions.length };
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

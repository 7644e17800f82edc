// Page glue for every page of the book (tools/sphinx_offline.py adds this file to each page).
//
// 1. The menu and the contents buttons (issue 29, point 1). sphinx-book-theme 1.3 puts its own
//    .primary-toggle and .secondary-toggle buttons in the article's header; pydata-sphinx-theme
//    0.17's header keeps its own (hidden) ones first in the page, and both themes wire only the
//    first element of each class (document.querySelector; pydata-sphinx-theme#2451). Every other
//    toggle here forwards its click to the wired one, so both behaviours follow: the dialog at
//    narrow widths, the collapsing sidebar at wide ones. After a click or tap the button lets go
//    of the focus and its tooltip is hidden, so no tooltip is left over the toolbar.
(function () {
  "use strict";

  // The toggles' tooltips (Bootstrap, shown on hover and on focus) stay over the toolbar after a tap
  // and after the dialog hands the focus back: the toggles keep their names (aria-label) and a
  // plain title, without the Bootstrap tooltip.
  function dropToggleTooltips() {
    const bs = window.bootstrap;
    if (!bs || !bs.Tooltip || !bs.Tooltip.getInstance) return;
    for (const button of document.querySelectorAll(".primary-toggle, .secondary-toggle")) {
      const tip = bs.Tooltip.getInstance(button);
      if (tip) tip.dispose();
      button.removeAttribute("data-bs-toggle");
    }
  }

  function hideTooltip(button) {
    const bs = window.bootstrap;
    const tip = bs && bs.Tooltip && bs.Tooltip.getInstance ? bs.Tooltip.getInstance(button) : null;
    if (tip) tip.hide();
    button.blur();
  }

  function wireToggles() {
    for (const kind of ["primary", "secondary"]) {
      const all = Array.from(document.querySelectorAll(`.${kind}-toggle`));
      const wired = all[0];
      if (!wired) continue;
      all.forEach((button, i) => {
        if (!button.getAttribute("aria-label")) {
          button.setAttribute("aria-label", kind === "primary" ? "Chapters (site navigation)" : "Contents of this page");
        }
        if (i > 0) {
          button.addEventListener("click", (event) => {
            event.preventDefault();
            event.stopPropagation();
            wired.click();
          });
        }
        button.addEventListener("click", () => window.setTimeout(() => hideTooltip(button), 0));
      });
      // A dialog closes with Escape, a tap on its backdrop, or the close button added here
      // (a phone has no Escape key, and the backdrop is a thin strip at 390 px).
      const dialog = document.getElementById(`pst-${kind}-sidebar-modal`);
      if (dialog && !dialog.querySelector(".relubook-dialog-close")) {
        const close = document.createElement("button");
        close.type = "button";
        close.className = "relubook-dialog-close btn";
        close.textContent = "Close \u00d7";
        close.setAttribute("aria-label", kind === "primary" ? "Close the chapter list" : "Close the contents");
        close.addEventListener("click", () => dialog.close());
        // the theme moves the sidebar's nodes in and out of the dialog: keep the button first
        dialog.addEventListener("close", () => dialog.prepend(close));
        new MutationObserver(() => {
          if (dialog.firstChild !== close) dialog.prepend(close);
        }).observe(dialog, { childList: true });
        dialog.prepend(close);
      }
    }
  }

  // A link inside an open dialog (a chapter, a section of the page) closes it, so that a tap on a
  // section of the page shows that section rather than the dialog over it.
  function closeDialogsOnNavigation() {
    document.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest("dialog[open] a[href]");
      if (link) link.closest("dialog").close();
    });
  }

  // 2. Figures readable on a phone (issue 29, point 2). The book's figures are drawn at 96 dpi; their
  //    smallest text is 7 pt (a 3-D plot's tick labels; most is 9 pt or more), 9.3 pixels of the
  //    image. Shrunk to fit a 390 px page, a wide multi-panel figure took its text down to 4 or 5
  //    CSS px. Here a figure is never shown below its own pixel size, so no text of it falls below
  //    9 CSS px: a figure wider than the page scrolls sideways inside its own box, which says so
  //    and takes the keyboard focus. (tests/site/test_phone_and_teacher.py reads the smallest font
  //    size from the book's code and measures each figure's scale on screen.)
  const MIN_SCALE = 1;

  function fitFigure(img) {
    if (!img.complete || !img.naturalWidth || img.naturalWidth < 200) return;
    const wrap = img.parentElement && img.parentElement.classList.contains("relubook-figure-scroll")
      ? img.parentElement : null;
    const room = (wrap || img).parentElement.clientWidth;
    const needed = Math.ceil(img.naturalWidth * MIN_SCALE);
    // on a phone or a narrow window only: a laptop's page shows a wide figure whole, a little smaller
    if (needed > room + 1 && window.matchMedia("(max-width: 767.98px)").matches) {
      let box = wrap;
      if (!box) {
        box = document.createElement("div");
        box.className = "relubook-figure-scroll";
        box.tabIndex = 0;
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", "Figure wider than the page: scroll sideways");
        img.before(box);
        box.appendChild(img);
      }
      img.style.width = `${needed}px`;
      img.style.maxWidth = "none";
    } else if (img.style.width) {
      img.style.width = "";
      img.style.maxWidth = "";
    }
  }

  function fitFigures() {
    document.querySelectorAll("article.bd-article img").forEach((img) => {
      if (img.complete) fitFigure(img);
      else img.addEventListener("load", () => fitFigure(img), { once: true });
    });
  }

  let fitting = false;
  function fitSoon() {
    if (fitting) return;
    fitting = true;
    window.requestAnimationFrame(() => {
      fitting = false;
      fitFigures();
    });
  }

  // 3. The download menu (issue 29, point 19): its ".pdf" entry prints the current page; it says
  //    so, and the whole book's PDF (what `make pdf` makes, attached to every release) is offered
  //    beside it, from the repository that _config.yml names (the repository button's link).
  function offerBookPdf() {
    const menu = document.querySelector(".dropdown-download-buttons ul");
    const repo = document.querySelector(".dropdown-source-buttons a.btn-source-repository-button, "
      + ".dropdown-source-buttons a[href^='https://github.com/']");
    if (!menu || menu.querySelector(".relubook-book-pdf")) return;
    const print = menu.querySelector(".btn-download-pdf-button .btn__text-container");
    if (print) print.textContent = "This page (print)";
    if (!repo) return;
    const url = repo.getAttribute("href").replace(/\/+$/, "").replace(/\/(issues|blob|tree)\/.*$/, "");
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.className = "btn btn-sm dropdown-item relubook-book-pdf";
    link.href = `${url}/releases/latest`;
    link.title = "The whole book as one PDF, attached to each release";
    link.innerHTML = '<span class="btn__icon-container"><i class="fas fa-book" aria-hidden="true"></i></span>'
      + '<span class="btn__text-container">Whole book (PDF)</span>';
    item.appendChild(link);
    menu.appendChild(item);
  }

  // 4. Display equations wider than a phone's page scroll sideways inside their box (the theme's
  //    overflow). MathJax's right-click menu, which the book does not load (0.4 MB), used to make
  //    every formula focusable; here each display equation is, so a keyboard can scroll it (axe:
  //    scrollable-region-focusable). Its name is the formula's assistive MathML.
  function focusableMath(root) {
    const found = root.matches && root.matches('mjx-container[display="true"]')
      ? [root] : root.querySelectorAll('mjx-container[display="true"]');
    found.forEach((math) => {
      if (!math.hasAttribute("tabindex")) math.setAttribute("tabindex", "0");
    });
  }

  function start() {
    offerBookPdf();
    wireToggles();
    closeDialogsOnNavigation();
    fitFigures();
    window.addEventListener("resize", fitSoon);
    window.addEventListener("load", fitSoon);
    window.addEventListener("load", () => window.setTimeout(dropToggleTooltips, 0));
    if (document.readyState === "complete") dropToggleTooltips();
    const article = document.querySelector("article.bd-article");
    if (article) focusableMath(article);
    // a widget's new frame (or a figure added later): fit only the pictures that came in
    if (article) {
      new MutationObserver((records) => {
        for (const record of records) {
          for (const node of record.addedNodes) {
            if (node.nodeType !== 1) continue;
            focusableMath(node);
            const imgs = node.tagName === "IMG" ? [node] : node.querySelectorAll("img");
            imgs.forEach((img) => (img.complete ? fitFigure(img)
              : img.addEventListener("load", () => fitFigure(img), { once: true })));
          }
        }
      }).observe(article, { subtree: true, childList: true });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

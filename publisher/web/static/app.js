// The review page's keyboard and small behaviours. No inline script anywhere (the
// Content-Security-Policy forbids it): everything the pages do beyond links and
// forms is here. Forms work without this file; htmx makes them answer in place.
(function () {
  "use strict";

  const KEYS_HELP = "j/n next · k/p previous · a approve · r reviewed · e edit · x reject · Esc close";
  let pending = null; // {segment, action}: a decision whose answer is being swapped in

  function segments() {
    return Array.from(document.querySelectorAll("article.segment"));
  }

  function current() {
    return document.querySelector("article.segment.current");
  }

  function setCurrent(article, scroll) {
    if (!article) return;
    const before = current();
    if (before && before !== article) before.classList.remove("current");
    article.classList.add("current");
    if (scroll) {
      article.scrollIntoView({ block: "nearest" });
      article.focus({ preventScroll: true });
    }
  }

  function move(step) {
    const list = segments();
    if (!list.length) return;
    const here = list.indexOf(current());
    const next = here < 0 ? 0 : Math.min(list.length - 1, Math.max(0, here + step));
    setCurrent(list[next], true);
  }

  function toast(text, tone) {
    const box = document.getElementById("toast");
    if (!box) return;
    box.textContent = text;
    box.className = "toast " + (tone || "error");
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.hidden = true; }, 6000);
  }

  function openPanel(article, selector, fieldSelector) {
    if (!article) return;
    const panel = article.querySelector(selector);
    if (!panel) return;
    for (const other of article.querySelectorAll("details.editor, details.rejecter")) {
      if (other !== panel) other.open = false;
    }
    panel.open = true;
    const field = panel.querySelector(fieldSelector);
    if (field) {
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
    }
  }

  function press(article, key) {
    const button = article && article.querySelector('button[data-key="' + key + '"]');
    if (button && !button.disabled) button.click();
  }

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (typing(target)) {
      const panel = target.closest("details.editor, details.rejecter");
      if (event.key === "Escape" && panel) {
        panel.open = false;
        const article = target.closest("article.segment");
        if (article) article.focus({ preventScroll: true });
        event.preventDefault();
      } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && panel) {
        const save = panel.querySelector('button[name="action"]');
        if (save) save.click();
        event.preventDefault();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const article = current();
    switch (event.key) {
      case "j": case "n": move(1); break;
      case "k": case "p": move(-1); break;
      case "a": press(article, "a"); break;
      case "r": press(article, "r"); break;
      case "e": openPanel(article, "details.editor", "textarea"); break;
      case "x": openPanel(article, "details.rejecter", "textarea"); break;
      case "?": toast(KEYS_HELP, "info"); break;
      default: return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    const target = event.target;
    const article = target.closest && target.closest("article.segment");
    if (article) setCurrent(article, false);
    const button = target.closest && target.closest("button");
    if (!button || !article) return;
    if (button.classList.contains("open-edit")) {
      const panel = article.querySelector("details.editor");
      if (panel && panel.open) panel.open = false;
      else openPanel(article, "details.editor", "textarea");
    } else if (button.classList.contains("open-reject")) {
      const panel = article.querySelector("details.rejecter");
      if (panel && panel.open) panel.open = false;
      else openPanel(article, "details.rejecter", "textarea");
    } else if (button.classList.contains("close")) {
      const panel = button.closest("details");
      if (panel) panel.open = false;
    } else if (button.classList.contains("use-text")) {
      const field = document.getElementById(button.dataset.for);
      if (field) {
        field.value = button.dataset.text;
        openPanel(article, "details.editor", "textarea");
      }
    }
  });

  document.addEventListener("focusin", function (event) {
    const article = event.target.closest && event.target.closest("article.segment");
    if (article) setCurrent(article, false);
  });

  // A decision was saved: after its segment is swapped in, go on to the next one
  // (after an edit, stay: the reviewer decides on the new text).
  document.addEventListener("segment-decided", function (event) {
    pending = event.detail;
  });

  // "Approve all listed" sends what each listed segment shows (inputs with form="bulk");
  // with none left that can be approved, its buttons say so by being disabled.
  function updateBulk() {
    const any = document.querySelector('input[name="shown"][form="bulk"]') !== null;
    for (const button of document.querySelectorAll("#bulk button")) button.disabled = !any;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    updateBulk();
    const swapped = event.detail.elt;
    if (!swapped || !swapped.matches || !swapped.matches("article.segment")) return;
    const decided = pending && pending.segment === swapped.dataset.segment ? pending : null;
    pending = null;
    setCurrent(swapped, false);
    if (decided && ["approve", "review", "reject"].includes(decided.action)) {
      move(1);
    } else {
      swapped.focus({ preventScroll: true });
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    const xhr = event.detail.xhr;
    toast("Not saved (" + xhr.status + "): " + (xhr.responseText || xhr.statusText).trim());
  });

  document.addEventListener("htmx:sendError", function () {
    toast("The review app cannot be reached: is `publisher serve` still running?");
  });

  function start() {
    updateBulk();
    const wanted = location.hash && document.getElementById(location.hash.slice(1));
    const first = wanted && wanted.matches("article.segment") ? wanted : segments()[0];
    if (first) setCurrent(first, Boolean(wanted));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

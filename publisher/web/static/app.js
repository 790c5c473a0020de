// The review page's keyboard and small behaviours. No inline script anywhere (the
// Content-Security-Policy forbids it): everything the pages do beyond links and
// forms is here. Forms work without this file; htmx makes them answer in place.
(function () {
  "use strict";

  // The words come from the page (data-* of #toast), in the reviewer's language.
  let pending = null; // {segment, action, message}: a decision whose answer is being swapped in
  let busy = null; // the segment whose decision is on its way to the server
  const ADVANCE_KEY = "publisher.autoAdvance";

  function words(name, values) {
    const box = document.getElementById("toast");
    let text = (box && box.dataset[name]) || "";
    for (const key in values || {}) text = text.split("{" + key + "}").join(values[key]);
    return text;
  }

  function autoAdvance() {
    const box = document.getElementById("auto-advance");
    return !box || box.checked;
  }

  // The segment keys act on: the one holding the keyboard focus, never another.
  function focused() {
    const active = document.activeElement;
    return active && active.closest ? active.closest("article.segment") : null;
  }

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
    if (!list.length) return null;
    const from = focused();
    if (!from) { // nothing has the focus yet: j and k start on the highlighted segment
      const start = current() || list[0];
      setCurrent(start, true);
      return start;
    }
    const here = list.indexOf(from);
    const next = here < 0 ? 0 : Math.min(list.length - 1, Math.max(0, here + step));
    setCurrent(list[next], true);
    return next === here ? null : list[next];
  }

  // The live region stays in the page (role=status, aria-live=polite): only its text
  // changes, so screen readers announce every message.
  function toast(text, tone) {
    const box = document.getElementById("toast");
    if (!box) return;
    box.textContent = text;
    box.className = "toast " + (tone || "error");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () {
      box.className = "toast idle";
      box.textContent = "";
    }, 10000);
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
    if (!article) {
      toast(words("noFocus"), "info");
      return;
    }
    if (busy) {
      toast(words("busy"), "info");
      return;
    }
    const button = article.querySelector('button[data-key="' + key + '"]');
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
    const article = focused();
    switch (event.key) {
      case "j": case "n": move(1); break;
      case "k": case "p": move(-1); break;
      case "a": press(article, "a"); break;
      case "r": press(article, "r"); break;
      case "e": case "x":
        if (!article) toast(words("noFocus"), "info");
        else if (busy) toast(words("busy"), "info");
        else if (event.key === "e") openPanel(article, "details.editor", "textarea");
        else openPanel(article, "details.rejecter", "textarea");
        break;
      case "?": toast(words("keys"), "info"); break;
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

  // A decision was saved (or refused): after its segment is swapped in, the toast says
  // what was decided and which segment has the focus now; with automatic advance on, an
  // approval, review or rejection goes on to the next segment (an edit stays: the
  // reviewer decides on the new text).
  document.addEventListener("segment-decided", function (event) {
    pending = Object.assign({ saved: true }, event.detail);
  });
  document.addEventListener("segment-refused", function (event) {
    pending = Object.assign({ saved: false }, event.detail);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    // A delayed request (the editor's preview) of a segment swapped out meanwhile: drop it.
    if (!document.body.contains(event.detail.elt)) {
      event.preventDefault();
      return;
    }
    const form = event.detail.elt;
    if (form && form.matches && form.matches("form.decide")) {
      const article = form.closest("article.segment");
      busy = article ? article.dataset.segment : "?";
      if (article) article.setAttribute("aria-busy", "true");
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.detail.elt;
    if (form && form.matches && form.matches("form.decide")) busy = null;
  });

  // The reviewer's choice of automatic advance, kept in this browser.
  function restoreAdvance() {
    const box = document.getElementById("auto-advance");
    if (!box) return;
    try {
      box.checked = localStorage.getItem(ADVANCE_KEY) !== "off";
    } catch (e) { /* storage refused: the box still says what happens */ }
  }

  document.addEventListener("change", function (event) {
    const box = event.target;
    if (!box || box.id !== "auto-advance") return;
    try { localStorage.setItem(ADVANCE_KEY, box.checked ? "on" : "off"); } catch (e) { }
  });

  // "Approve all listed" sends what each listed segment shows (inputs with form="bulk");
  // with none left that can be approved, its buttons say so by being disabled.
  function updateBulk() {
    const any = document.querySelector('input[name="shown"][form="bulk"]') !== null;
    for (const button of document.querySelectorAll("#bulk button")) button.disabled = !any;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    updateBulk();
    restoreAdvance();
    const swapped = event.detail.elt;
    if (!swapped || !swapped.matches || !swapped.matches("article.segment")) return;
    const decided = pending && pending.segment === swapped.dataset.segment ? pending : null;
    pending = null;
    busy = null;
    setCurrent(swapped, false);
    if (!decided) {
      swapped.focus({ preventScroll: true });
      return;
    }
    const advancing = decided.saved && autoAdvance() &&
      ["approve", "review", "reject"].includes(decided.action);
    swapped.focus({ preventScroll: true }); // the decided segment, then maybe the next one
    const next = advancing ? move(1) : null;
    let where;
    if (next) {
      where = words("nowOn", { id: next.dataset.segment });
    } else {
      swapped.focus({ preventScroll: true });
      where = words(advancing ? "last" : "staysOn", { id: swapped.dataset.segment });
    }
    toast(decided.message + " " + where, decided.saved ? "ok" : "error");
  });

  document.addEventListener("htmx:responseError", function (event) {
    const xhr = event.detail.xhr;
    busy = null;
    // the guard's refusals (plain English text) in the reviewer's words, the rest as sent
    const known = words("refused" + xhr.status);
    toast(known || words("notSaved", { status: xhr.status, reason: (xhr.responseText || xhr.statusText).trim() }));
  });

  document.addEventListener("htmx:sendError", function () {
    busy = null;
    toast(words("unreachable"));
  });

  function start() {
    updateBulk();
    restoreAdvance();
    const wanted = location.hash && document.getElementById(location.hash.slice(1));
    const first = wanted && wanted.matches("article.segment") ? wanted : segments()[0];
    if (first) setCurrent(first, Boolean(wanted));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

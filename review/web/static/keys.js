// newsmon review desk: keyboard triage. Plain JavaScript, no build step; every page works
// without it (links, checkboxes and buttons do the same with a mouse or Tab + Enter).
//
// Inbox:  j/k move the cursor between stories (focus follows, so screen readers read the
//         story), o or Enter opens it, x selects it, r/i/e mark the selected stories
//         (else the one under the cursor) relevant/irrelevant/escalated through the bulk
//         form, ? shows the keys.
// Story:  j/k go to the next/previous story of the inbox list you came from, o opens the
//         original article, u goes back to the inbox, r/i/e press the decision buttons.
// Keys typed into a field, or with Ctrl/Alt/Meta, are left alone.
(function () {
  "use strict";
  var page = document.body.dataset.page;
  if (page !== "inbox" && page !== "story") return;

  var LIST = "newsmon.list";      // the inbox list you came from: {inbox, stories: [href...]}
  var CURSOR = "newsmon.cursor";  // cursor position per inbox URL
  var STATES = { r: "relevant", i: "irrelevant", e: "escalated" };
  var help = document.getElementById("keys-help");
  var status = document.getElementById("keys-status");

  function say(text) {
    if (!status) return;
    status.textContent = text;
    clearTimeout(say.timer);
    say.timer = setTimeout(function () { status.textContent = ""; }, 4000);
  }

  function store(key, value) {
    try { sessionStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: no memory */ }
  }

  function recall(key) {
    try { return JSON.parse(sessionStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function toggleHelp(show) {
    if (!help) return;
    var open = show === undefined ? help.hidden : show;
    help.hidden = !open;
    if (open) help.focus();
  }

  if (help) {
    document.getElementById("keys-close").addEventListener("click", function () { toggleHelp(false); });
  }

  // -- inbox ------------------------------------------------------------------------------
  var rows = Array.prototype.slice.call(document.querySelectorAll("#inbox tr.story"));
  var here = location.pathname + location.search.replace(/([?&])(done|n|s)=[^&]*/g, "$1").replace(/[?&]+$/, "");
  var cursor = -1;

  function link(row) { return row.querySelector("a.story-link"); }
  function pick(row) { return row.querySelector("input.pick"); }

  function moveTo(i) {
    if (!rows.length) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (cursor >= 0 && rows[cursor]) rows[cursor].classList.remove("cursor");
    cursor = i;
    rows[i].classList.add("cursor");
    link(rows[i]).focus();
    store(CURSOR, { inbox: here, index: i });
  }

  function markPicked(row) {
    var box = pick(row);
    row.classList.toggle("picked", !!(box && box.checked));
  }

  function decideInbox(state) {
    var form = document.getElementById("bulk");
    var boxes = rows.map(pick).filter(function (b) { return b; });
    if (!form || !boxes.length) { say("Read-only: deciding needs the reviewer role."); return; }
    var chosen = boxes.filter(function (b) { return b.checked; });
    if (!chosen.length) {
      if (cursor < 0) { say("Move to a story with j, or select stories with x, first."); return; }
      pick(rows[cursor]).checked = true;
    }
    var button = document.getElementById("bulk-" + state);
    if (form.requestSubmit) form.requestSubmit(button); else button.click();
  }

  if (page === "inbox") {
    store(LIST, { inbox: here,
                  stories: rows.map(function (r) { return link(r).getAttribute("href"); }) });
    rows.forEach(function (row, i) {
      var box = pick(row);
      if (box) box.addEventListener("change", function () { markPicked(row); });
      link(row).addEventListener("focus", function () {
        if (cursor !== i) {
          if (cursor >= 0 && rows[cursor]) rows[cursor].classList.remove("cursor");
          cursor = i;
          row.classList.add("cursor");
          store(CURSOR, { inbox: here, index: i });
        }
      });
    });
    var saved = recall(CURSOR);
    if (saved && saved.inbox === here && rows.length) moveTo(saved.index);
  }

  // -- story page ----------------------------------------------------------------------------
  function neighbour(step) {
    var list = recall(LIST);
    if (!list || !list.stories) return null;
    var at = list.stories.indexOf(location.pathname);
    if (at < 0) return null;
    return list.stories[at + step] || null;
  }

  function decideStory(state) {
    var button = document.getElementById("mark-" + state);
    if (!button) { say("Read-only: deciding needs the reviewer role."); return; }
    button.click();
  }

  // -- keys ------------------------------------------------------------------------------------
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.altKey || ev.metaKey || ev.isComposing) return;
    var t = ev.target;
    var tag = t && t.tagName;
    if (ev.key === "Escape") {
      if (help && !help.hidden) { toggleHelp(false); ev.preventDefault(); }
      else if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") t.blur();
      return;
    }
    if (tag === "TEXTAREA" || tag === "SELECT" || (t && t.isContentEditable) ||
        (tag === "INPUT" && t.type !== "checkbox")) return;
    var key = ev.key;
    var handled = true;
    if (key === "?") toggleHelp();
    else if (page === "inbox") {
      if (key === "j") moveTo(cursor + 1);
      else if (key === "k") moveTo(cursor < 0 ? 0 : cursor - 1);
      else if (key === "o" || (key === "Enter" && tag !== "A" && tag !== "BUTTON")) {
        if (cursor >= 0) location.href = link(rows[cursor]).href; else handled = false;
      } else if (key === "x") {
        if (cursor < 0) moveTo(0);
        var box = rows[cursor] && pick(rows[cursor]);
        if (box) { box.checked = !box.checked; markPicked(rows[cursor]); }
        else say("Read-only: selecting is for decisions, which need the reviewer role.");
      } else if (STATES[key]) decideInbox(STATES[key]);
      else handled = false;
    } else {
      if (key === "j" || key === "k") {
        var next = neighbour(key === "j" ? 1 : -1);
        if (next) location.href = next;
        else say(key === "j" ? "This is the last story of the list." : "This is the first story of the list.");
      } else if (key === "o") {
        var orig = document.getElementById("original");
        if (orig) window.open(orig.href, "_blank", "noopener,noreferrer"); else say("No link to the original.");
      } else if (key === "u") {
        var list = recall(LIST);
        location.href = list && list.inbox ? list.inbox : "/";
      } else if (STATES[key]) decideStory(STATES[key]);
      else handled = false;
    }
    if (handled) ev.preventDefault();
  });
})();

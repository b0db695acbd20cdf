// Times in the reader's time zone. The server writes each time as <time datetime="...">
// in UTC; here it is shown in the browser's zone, with the stored UTC time on hover.
// A time of exactly midnight UTC is a date given without a time: it stays a date.
(function () {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old */ }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function utcStamp(d) {
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) +
      " " + pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " UTC";
  }

  function zoneName(d) {
    try {
      var parts = new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(d);
      for (var i = 0; i < parts.length; i++) {
        if (parts[i].type === "timeZoneName") return parts[i].value;
      }
    } catch (e) { /* old browser */ }
    return zone;
  }

  document.querySelectorAll("time[datetime]").forEach(function (el) {
    var raw = el.getAttribute("datetime");
    var d = new Date(raw);
    if (isNaN(d.getTime()) || !/T/.test(raw)) return;
    el.title = "stored as " + utcStamp(d);
    if (d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0) return;
    var text = d.getDate() + " " + MONTHS[d.getMonth()] + " " + d.getFullYear() + ", " +
      pad(d.getHours()) + ":" + pad(d.getMinutes()) + " " + zoneName(d);
    el.textContent = text;
    el.setAttribute("data-local", "1");
  });
})();

// Diff page: side-by-side / inline toggle, changes-only filter, n/p to jump between
// changes. Without JavaScript the same choices work through ?view= and ?changes= links.
(function () {
  "use strict";

  var diff = document.getElementById("diff");
  if (!diff) return;

  var STORE_KEY = "tracker.view";
  var viewButtons = document.querySelectorAll("[data-view]");
  var onlyBox = document.getElementById("changes-only");

  function setParam(name, value) {
    var url = new URL(window.location.href);
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, value);
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  function setView(view, remember) {
    var inline = view === "inline";
    diff.classList.toggle("view-inline", inline);
    diff.classList.toggle("view-side", !inline);
    viewButtons.forEach(function (b) {
      if (b.getAttribute("data-view") === view) b.setAttribute("aria-current", "true");
      else b.removeAttribute("aria-current");
    });
    if (remember) {
      try { window.localStorage.setItem(STORE_KEY, view); } catch (e) { /* private mode */ }
      setParam("view", inline ? "inline" : null);
    }
  }

  function setChangesOnly(on) {
    diff.classList.toggle("changes-only", on);
    if (onlyBox) onlyBox.checked = on;
    setParam("changes", on ? null : "0");
  }

  viewButtons.forEach(function (b) {
    b.addEventListener("click", function (event) {
      event.preventDefault();
      setView(b.getAttribute("data-view"), true);
    });
  });

  if (onlyBox) {
    onlyBox.addEventListener("change", function () {
      // A big diff left its long runs empty: every row needs the full page.
      if (!onlyBox.checked && diff.querySelector(".run.lazy")) {
        var url = new URL(window.location.href);
        url.searchParams.set("changes", "0");
        window.location.assign(url.href);
        return;
      }
      setChangesOnly(onlyBox.checked);
    });
  }

  // The address wins over the remembered choice, so a shared link shows what was shared.
  var params = new URL(window.location.href).searchParams;
  if (!params.get("view")) {
    var saved = null;
    try { saved = window.localStorage.getItem(STORE_KEY); } catch (e) { /* private mode */ }
    if (saved === "inline" || saved === "side") setView(saved, false);
  }

  // --- one kind only: the summary bar's counts are filters ------------------------------

  var onlyNote = document.getElementById("only-note");
  var onlyPills = document.querySelectorAll("[data-only]");
  var ONLY = ["modified", "added", "removed", "split", "merged", "unchanged", "moved", "renumbered"];

  function setOnly(kind) {
    ONLY.forEach(function (k) { diff.classList.toggle("only-" + k, k === kind); });
    onlyPills.forEach(function (pill) {
      pill.setAttribute("aria-pressed", pill.getAttribute("data-only") === kind ? "true" : "false");
    });
    if (onlyNote) {
      onlyNote.hidden = !kind;
      document.getElementById("only-kind").textContent = kind || "";
    }
  }

  onlyPills.forEach(function (pill) {
    pill.addEventListener("click", function () {
      var kind = pill.getAttribute("data-only");
      // Filtering to one kind shows every row of that kind, folded or not.
      if (kind === "unchanged" || kind === "renumbered") setChangesOnly(false);
      setOnly(pill.getAttribute("aria-pressed") === "true" ? null : kind);
    });
  });
  var clear = document.getElementById("only-clear");
  if (clear) clear.addEventListener("click", function () { setOnly(null); });

  // --- folded runs of unchanged provisions --------------------------------------------

  function openRun(run, open) {
    run.classList.toggle("open", open);
    var button = run.querySelector(".run-toggle");
    if (button) button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // A big diff sends long runs empty: their rows come from the page's JSON twin when the
  // run is first opened, built here with textContent only (never parsed as markup).
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function labels(side) {
    return side.map(function (p) { return p.label; }).join(", ");
  }

  function cell(side, cls, text) {
    var c = el("div", "cell " + cls);
    var tags = el("span", "cell-labels");
    side.forEach(function (p) { tags.appendChild(el("span", "plabel", p.label)); });
    c.appendChild(tags);
    c.appendChild(el("span", "text", text));
    return c;
  }

  function buildRow(c) {
    var id = c.new.length ? "new-" + c.new[0].path : "old-" + c.old[0].path;
    var row = el("section", "row k-" + c.kind + (c.renumbered ? " renumbered" : ""));
    row.id = id;
    row.setAttribute("data-kind", c.kind);
    row.setAttribute("data-changed", "0");
    row.setAttribute("tabindex", "-1");
    row.setAttribute("aria-labelledby", id + "-h");
    var head = el("div", "row-head");
    var h = el("h2", "row-h");
    h.id = id + "-h";
    var a = el("a", "anchor", labels(c.new.length ? c.new : c.old));
    a.href = "#" + id;
    h.appendChild(a);
    h.appendChild(document.createTextNode(" "));
    h.appendChild(el("span", "badge k-" + c.kind, c.kind));
    head.appendChild(h);
    if (c.renumbered) {
      head.appendChild(el("span", "badge flag renumbered", labels(c.old) + " \u2192 " + labels(c.new)));
    }
    row.appendChild(head);
    var oldText = c.old.map(function (p) { return p.text; }).join("\n");
    var newText = c.new.map(function (p) { return p.text; }).join("\n");
    var pair = el("div", "pair");
    pair.appendChild(cell(c.old, "old", oldText));
    pair.appendChild(cell(c.new, "new", newText));
    row.appendChild(pair);
    var inline = el("div", "cell inline");
    inline.appendChild(el("span", "text", newText));
    row.appendChild(inline);
    return row;
  }

  function loadRun(run) {
    var url = new URL(window.location.href);
    url.hash = "";
    url.searchParams.set("format", "json");
    url.searchParams.set("rows", run.getAttribute("data-rows"));
    var box = run.querySelector(".run-rows");
    box.setAttribute("aria-busy", "true");
    return fetch(url.href, { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("could not load rows: " + r.status);
        return r.json();
      })
      .then(function (data) {
        data.changes.forEach(function (c) { box.appendChild(buildRow(c)); });
        run.classList.remove("lazy");
        run.removeAttribute("data-rows");
        box.removeAttribute("aria-busy");
      });
  }

  diff.querySelectorAll(".run-toggle").forEach(function (button) {
    button.addEventListener("click", function () {
      var run = button.parentNode;
      var open = !run.classList.contains("open");
      if (open && run.classList.contains("lazy")) {
        loadRun(run).then(function () { openRun(run, true); }, function (e) { say(String(e.message)); });
        return;
      }
      openRun(run, open);
    });
  });

  // A link to a row folded away (from a provision's history, or shared) unfolds its run.
  function reveal(id) {
    var target = id && document.getElementById(id);
    if (!target) return null;
    var run = target.closest(".run");
    if (run && diff.classList.contains("changes-only")) openRun(run, true);
    return target;
  }

  // A row that is not on this page (another page of a big diff, or a run sent empty):
  // ask the server for the page that holds it, with its run full (?row=). True when
  // the page is being replaced.
  function fetchRow(id) {
    var here = new URL(window.location.href);
    if (!id || document.getElementById(id) || here.searchParams.get("row") === id) return false;
    if (!diff.querySelector(".run.lazy") && !document.querySelector(".pager")) return false;
    here.searchParams.set("row", id);
    here.searchParams.delete("page");
    window.location.replace(here.href);
    return true;
  }

  window.addEventListener("hashchange", function () {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (fetchRow(id)) return;
    var target = reveal(id);
    if (!target) return;
    target.scrollIntoView({ block: "start" });
    if (target.classList.contains("row")) target.focus({ preventScroll: true });
  });

  // --- copy a link to a row -------------------------------------------------------------

  var copied = document.getElementById("copied");
  var copiedTimer = null;

  function say(text) {
    if (!copied) return;
    copied.textContent = text;
    window.clearTimeout(copiedTimer);
    copiedTimer = window.setTimeout(function () { copied.textContent = ""; }, 2500);
  }

  diff.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-copy");
      var url = new URL(window.location.href);
      url.hash = id;
      var done = function () { say("Link copied: #" + id); };
      var fallback = function () {
        window.history.replaceState(null, "", url.pathname + url.search + url.hash);
        say("Link in the address bar: #" + id);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url.href).then(done, fallback);
      } else {
        fallback();
      }
    });
  });

  // --- n / p ----------------------------------------------------------------------------

  var posN = document.getElementById("pos-n");
  function showPos(row) {
    if (posN && row && row.getAttribute("data-n")) posN.textContent = row.getAttribute("data-n");
  }
  diff.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest('.row[data-changed="1"]');
    if (row) showPos(row);
  });

  function changeRows() {
    return Array.prototype.filter.call(
      diff.querySelectorAll('.row[data-changed="1"]'),
      function (row) { return row.offsetParent !== null; }
    );
  }

  function currentIndex(rows) {
    var active = document.activeElement;
    for (var i = 0; i < rows.length; i++) {
      if (rows[i] === active || rows[i].contains(active)) return { index: i, exact: true };
    }
    // Nothing focused: start from the first change at or below the top of the screen.
    var top = 80;
    for (var j = 0; j < rows.length; j++) {
      if (rows[j].getBoundingClientRect().top >= top) return { index: j, exact: false };
    }
    return { index: rows.length, exact: false };
  }

  function jump(step) {
    var rows = changeRows();
    if (!rows.length) return;
    var at = currentIndex(rows);
    var target;
    if (step > 0) target = at.exact ? at.index + 1 : at.index;
    else target = at.index - 1;
    target = Math.max(0, Math.min(rows.length - 1, target));
    var row = rows[target];
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "start" });
    window.history.replaceState(null, "", "#" + row.id);
  }

  // Opened at a row's anchor: that row is the current one for n/p. A row of a big diff
  // may be on another page or in a run sent empty: the server finds it (?row=).
  if (window.location.hash.length > 1) {
    var wanted = decodeURIComponent(window.location.hash.slice(1));
    if (fetchRow(wanted)) return;
    var target = reveal(wanted);
    if (target && target.classList.contains("row")) {
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    }
  }

  document.querySelectorAll("[data-jump]").forEach(function (b) {
    b.addEventListener("click", function () { jump(parseInt(b.getAttribute("data-jump"), 10)); });
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    var t = event.target;
    var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
    if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
    if (event.key === "n" || event.key === "j") { event.preventDefault(); jump(1); }
    else if (event.key === "p" || event.key === "k") { event.preventDefault(); jump(-1); }
  });
})();

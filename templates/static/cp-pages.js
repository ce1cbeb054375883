/* coursepack page loader: the launch page is a small shell, and each unit of the
 * outline (a module's pages, a quiz, a scenario) is a script file, content/u<N>.js,
 * loaded when the learner goes there (builder/chunks.py writes them). Scripts, not fetch:
 * they load from file:// too, and the Content-Security-Policy allows the package's own
 * scripts. The DOM holds the current unit and the next one; a few units' HTML is kept
 * as text so that Back and Next across a unit boundary need no new request.
 *
 * Content hooks (the contract with the rest of the runtime and with components):
 *
 *   CP.onContent(function (root) { ... })
 *
 * registers a function that sets up page content (questions, scenarios, components)
 * inside `root`. It is called for every unit the runtime inserts (root is the unit's
 * <div class="cp-pages">), after the learner's state is restored, and at once for the
 * units already in the DOM when it registers late. It must only touch what is inside
 * root, and be idempotent (mark what it has set up). Whole-course facts (page and
 * question ids, the module list) come from window.CoursepackData, never from the DOM.
 * docs/development.md describes it.
 */
(function () {
  "use strict";

  var data = window.CoursepackData;
  var hooks = [];
  var cache = {};        /* unit -> { meta, html }: loaded files, a few kept */
  var waiting = {};      /* unit -> [callbacks] while its script loads */
  var KEEP_TEXT = 4;     /* units whose HTML stays in memory as text */
  var kept = [];         /* units with text in the cache, oldest first */
  var keptUnits = [];    /* the units the DOM keeps (retain) */

  function main() { return document.getElementById("main"); }
  function container(u) {
    return main().querySelector(".cp-pages[data-unit='" + u + "']");
  }

  function runHooks(root, list) {
    list.forEach(function (fn) {
      try { fn(root); } catch (e) {
        /* one broken component must not stop navigation */
        if (window.console) window.console.error(e);
      }
    });
  }

  function onContent(fn) {
    hooks.push(fn);
    Array.prototype.forEach.call(main() ? main().querySelectorAll(".cp-pages") : [], function (root) {
      runHooks(root, [fn]);
    });
  }

  /* The unit that holds page `index` (units are in page order). */
  function unitOf(index) {
    var lo = 0, hi = data.units.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (data.units[mid].first <= index) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  /* The unit whose file holds the element with this id, or null. */
  function unitOfId(id) {
    if (/^(gloss|refs$|ref-)/.test(id)) return "extras";
    if (/^obj-/.test(id)) return 0;      /* the objectives are on the first page */
    for (var i = 0; i < data.units.length; i++) {
      var start = "pg-" + data.units[i].id;
      if (id === start || id.indexOf(start + "--") === 0) return i;
    }
    return null;
  }

  /* The page index of a bookmark (cmi.core.lesson_location, cmi.location, the xAPI
     state), once its unit is loaded; -1 when there is no such page. */
  function unitOfLocation(loc) {
    var id = String(loc || "").split("/")[0];
    for (var i = 0; i < data.units.length; i++) if (data.units[i].id === id) return i;
    return null;
  }
  function pageOfLocation(loc) {
    var u = unitOfLocation(loc);
    if (u === null || !cache[u]) return -1;
    var k = cache[u].meta.locs.indexOf(loc);
    return k < 0 ? -1 : data.units[u].first + k;
  }

  function remember(u) {
    kept = kept.filter(function (x) { return x !== u; });
    kept.push(u);
  }

  /* Put unit u's pages into the DOM (hidden) and set them up. */
  function insert(u) {
    var entry = cache[u];
    if (u !== "extras") remember(u);
    var tpl = document.createElement("template");
    tpl.innerHTML = entry.html;
    var root = tpl.content.firstElementChild;
    var complete = document.getElementById("cp-complete");
    if (u === "extras" || !complete) main().appendChild(root);
    else main().insertBefore(root, complete);
    if (u !== "extras") {
      var first = data.units[u].first;
      data.pages = data.pages || [];
      entry.meta.locs.forEach(function (loc, k) { data.pages[first + k] = { loc: loc, unit: u }; });
      /* a quiz's questions' answer-time data (interaction id, pattern...) joins their
         definitions (builder/chunks.py ANSWER_TIME_KEYS) */
      (entry.meta.questions || []).forEach(function (extra, k) {
        data.assessments.forEach(function (def) {
          if (def.unit === u && def.questions[k]) {
            for (var key in extra) def.questions[k][key] = extra[key];
          }
        });
      });
      if (data.xapi && entry.meta.xapi) {
        data.xapi.pages = data.xapi.pages || [];
        entry.meta.xapi.forEach(function (a, k) { data.xapi.pages[first + k] = a; });
      }
    }
    runHooks(root, hooks);
    return root;
  }

  /* Called by each content file as it runs. */
  window.coursepackUnit = function (u, meta, html) {
    cache[u] = { meta: meta, html: html };
    if (u !== "extras") remember(u);
    var list = waiting[u] || [];
    delete waiting[u];
    list.forEach(function (cb) { cb.ok(); });
  };

  function file(u) { return "content/" + (u === "extras" ? "extras" : "u" + u) + ".js"; }

  /* Make sure unit u is in the DOM, then call done(root). Synchronous when its HTML is at
     hand; otherwise its script is loaded (fail() if that does not work). */
  function load(u, done, fail) {
    var ahead = !done;     /* loaded ahead of the learner, not asked for */
    var first = launching;
    launching = null;
    done = done || function () {};
    fail = fail || function () {};
    var root = container(u);
    if (root) { done(root); return true; }
    if (cache[u]) { done(insert(u)); return true; }
    var again = !!waiting[u];
    (waiting[u] = waiting[u] || []).push({
      ok: function () {
        /* loaded ahead, but the learner has moved on meanwhile: keep it as text only */
        if (ahead && u !== "extras" && keptUnits.indexOf(u) < 0) return;
        done(container(u) || insert(u));
      },
      fail: fail
    });
    if (again) return false;
    var script = first && first.getAttribute("src") === file(u) ? first : document.createElement("script");
    /* whoever still waits once it has run (it did not register its unit) or failed */
    script.onload = script.onerror = function () {
      script.remove();
      var list = waiting[u] || [];
      delete waiting[u];
      list.forEach(function (cb) { cb.fail(); });
    };
    if (script !== first) {
      script.src = file(u);
      script.async = true;
      document.head.appendChild(script);
    } else if (launched) {
      script.onload();     /* it ran or failed before this request without registering */
    }
    return false;
  }
  /* The launch page's script of the first unit, deferred after the runtime's: the runtime
     asks for a unit before it has run, and the first such request, if for that unit,
     waits for it rather than requesting the file again. The runtime may ask only after
     that script has run or failed (an LMS's launch takes its time): `launched` says so. */
  var launching = document.querySelector("script[src^='content/u']");
  var launched = false;
  if (launching) {
    launching.addEventListener("load", function () { launched = true; });
    launching.addEventListener("error", function () { launched = true; });
  }

  /* Load unit u ahead of the learner once the page just shown has painted: the next
     unit's file (and the glossary's) must not run in front of the first paint. Skipped if
     by then u is no longer among the units kept (the learner moved on). */
  var aheadList = [];       /* units to load once the page shown has painted */
  function ahead(u) {
    if (u !== "extras" && !(u >= 0 && u < data.units.length)) return;
    if (aheadList.push(u) > 1) return;
    painted(function () {
      var list = aheadList;
      aheadList = [];
      list.forEach(function (x) { if (x === "extras" || keptUnits.indexOf(x) >= 0) load(x); });
    });
  }

  /* Run fn once the next frame has painted (rAF, then a task), or soon in a background
     tab (no frames there), in the order asked. */
  function painted(fn) {
    var done = false;
    function go() {
      if (done) return;
      done = true;
      fn();
    }
    window.requestAnimationFrame(function () { window.setTimeout(go, 0); });
    window.setTimeout(go, 250);
  }

  /* Keep only these units in the DOM (and the extras screens); drop the HTML text of
     units far from them. */
  function retain(units) {
    keptUnits = units;
    Array.prototype.forEach.call(main().querySelectorAll(".cp-pages"), function (root) {
      var u = root.getAttribute("data-unit");
      if (u !== "extras" && units.indexOf(+u) < 0) root.remove();
    });
    var i = 0;
    while (kept.length > KEEP_TEXT && i < kept.length) {
      if (units.indexOf(kept[i]) >= 0) { i++; continue; }
      delete cache[kept[i]];
      kept.splice(i, 1);
    }
  }

  /* The menu of units, from the course data (its size grows with the course, so it is not
     in the launch page): a list of every unit. A course of more than render.GROUP_AT
     units also carries cp-menu-groups.js (CP.groupMenu), which lists them in groups
     instead. Returns the menu's handle: update(unit, paint) repaints the entries drawn
     (paint(li, i)). */
  function entry(i, t) {
    var u = data.units[i];
    var li = document.createElement("li");
    li.setAttribute("data-unit", i);
    var a = li.appendChild(document.createElement("a"));
    a.href = "#" + u.start;
    var title = a.appendChild(document.createElement("span"));
    title.className = "cp-unit-title";
    title.textContent = u.title;
    if (u.minutes) {
      title.appendChild(document.createTextNode(" "));
      var m = title.appendChild(document.createElement("span"));
      m.className = "cp-minutes";
      m.textContent = String(t.module_minutes).replace("{n}", u.minutes);
    }
    var status = a.appendChild(document.createElement("span"));
    status.className = "cp-unit-status visually-hidden";
    return li;
  }

  function menu(list, t) {
    var n = data.units.length;
    var paint = null;
    function draw(into, from, to) {
      var frag = document.createDocumentFragment();
      for (var i = from; i < to; i++) {
        var li = frag.appendChild(entry(i, t));
        if (paint) paint(li, i);
      }
      into.appendChild(frag);
    }
    if (window.CP.groupMenu) return window.CP.groupMenu(list, t, n, draw, function (fn) { paint = fn; });
    draw(list, 0, n);
    return { update: function (unit, fn) {
      paint = fn;
      Array.prototype.forEach.call(list.children, function (li, i) { fn(li, i); });
    } };
  }

  window.CP = window.CP || {};
  window.CP.onContent = onContent;
  window.CP.pages = {
    unitOf: unitOf, unitOfId: unitOfId, unitOfLocation: unitOfLocation,
    pageOfLocation: pageOfLocation, load: load, ahead: ahead, painted: painted, retain: retain, menu: menu,
    loaded: function (u) { return !!container(u); }
  };
})();

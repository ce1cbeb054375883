/* coursepack runtime: navigation, knowledge checks, assessments and tracking.
 *
 * One file, no dependencies. The course logic talks to the learning system through an
 * adapter (SCORM 1.2, or "standalone" with localStorage when no LMS is found); only the
 * adapter knows the standard. The course description comes from the JSON that the build
 * embeds in the page (#cp-data); the resume-state format is documented in
 * builder/runtime.py, which computes its worst-case length at build time.
 */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("cp-data").textContent);
  var t = JSON.parse(document.getElementById("cp-messages").textContent);
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var CHARS = "0123456789abcdefghijklmnopqrstuvwxyz";
  var RANK = { "": 0, "not attempted": 0, browsed: 0, incomplete: 1, failed: 2, completed: 3, passed: 4 };

  function fmt(text, vars) {
    return String(text).replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? vars[k] : m; });
  }
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  /* ---------------------------------------------------------------- adapters ---- */

  /* Find the SCORM 1.2 API: up the parent chain, then the opener's chain, then
     top.opener's. Every cross-window access may throw (cross-origin frames): skip it. */
  function findScorm12API(win) {
    function climb(w) {
      for (var hops = 0; w && hops < 500; hops++) {
        try { if (w.API && typeof w.API.LMSInitialize !== "undefined") return w.API; } catch (e) { /* cross-origin */ }
        var parent = null;
        try { parent = w.parent; } catch (e) { parent = null; }
        if (!parent || parent === w) break;
        w = parent;
      }
      return null;
    }
    var api = climb(win);
    try { if (!api && win.opener) api = climb(win.opener); } catch (e) { /* cross-origin */ }
    try { if (!api && win.top && win.top.opener) api = climb(win.top.opener); } catch (e) { /* cross-origin */ }
    return api;
  }

  function Scorm12(api) {
    this.api = api;
    this.sent = {};
    this.ok = true;
  }
  Scorm12.prototype.name = "scorm12";
  Scorm12.prototype.call = function (fn, a, b) {
    var result;
    try { result = b === undefined ? this.api[fn](a) : this.api[fn](a, b); } catch (e) { result = false; }
    return String(result) === "true";
  };
  Scorm12.prototype.get = function (element) {
    try { return String(this.api.LMSGetValue(element) || ""); } catch (e) { return ""; }
  };
  /* Set a value unless the LMS already has it; remember failures so the next save
     tries again. */
  Scorm12.prototype.set = function (element, value) {
    value = String(value);
    if (this.sent[element] === value) return true;
    var ok = this.call("LMSSetValue", element, value);
    if (ok) this.sent[element] = value; else this.ok = false;
    return ok;
  };
  Scorm12.prototype.start = function () {
    if (!this.call("LMSInitialize", "")) return null;
    var info = {
      entry: this.get("cmi.core.entry"),
      location: this.get("cmi.core.lesson_location"),
      suspend: this.get("cmi.suspend_data"),
      status: this.get("cmi.core.lesson_status"),
      mode: this.get("cmi.core.lesson_mode") || "normal"
    };
    this.sent["cmi.core.lesson_location"] = info.location;
    this.sent["cmi.suspend_data"] = info.suspend;
    this.sent["cmi.core.lesson_status"] = info.status;
    return info;
  };
  Scorm12.prototype.save = function (s) {
    this.ok = true;
    this.set("cmi.core.lesson_location", s.location);
    this.set("cmi.suspend_data", s.suspend);
    if (s.score !== null) {
      this.set("cmi.core.score.raw", s.score);
      this.set("cmi.core.score.min", 0);
      this.set("cmi.core.score.max", 100);
    }
    if (s.status) this.set("cmi.core.lesson_status", s.status);
    if (!this.call("LMSCommit", "")) this.ok = false;
    return this.ok;
  };
  Scorm12.prototype.finish = function (exit, seconds) {
    this.set("cmi.core.exit", exit);
    this.set("cmi.core.session_time", timespan(seconds));
    this.call("LMSCommit", "");       /* some LMSs refuse a commit while unloading: go on */
    return this.call("LMSFinish", "");
  };

  /* No LMS: keep progress in this browser. */
  function Standalone() {
    this.key = "coursepack:" + data.id;
    this.ok = true;
  }
  Standalone.prototype.name = "standalone";
  Standalone.prototype.read = function () {
    try { return JSON.parse(window.localStorage.getItem(this.key) || "null"); } catch (e) { return null; }
  };
  Standalone.prototype.start = function () {
    var saved = this.read() || {};
    return { entry: saved.suspend ? "resume" : "ab-initio", location: saved.location || "",
             suspend: saved.suspend || "", status: saved.status || "", mode: "normal" };
  };
  Standalone.prototype.save = function (s) {
    try { window.localStorage.setItem(this.key, JSON.stringify(s)); this.ok = true; } catch (e) { this.ok = false; }
    return this.ok;
  };
  Standalone.prototype.finish = function () { return true; };

  /* CMITimespan for SCORM 1.2: HHHH:MM:SS.SS */
  function timespan(seconds) {
    var cs = Math.max(0, Math.round(seconds * 100));
    var h = Math.min(9999, Math.floor(cs / 360000));
    var m = Math.floor(cs / 6000) % 60;
    var s = Math.floor(cs / 100) % 60;
    var c = cs % 100;
    function pad(n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; }
    return pad(h, 4) + ":" + pad(m, 2) + ":" + pad(s, 2) + "." + pad(c, 2);
  }

  /* ---------------------------------------------------------------- state ------- */

  var P = data.pages.length;
  var S = {
    page: 0,
    visited: [],
    kc: data.kcs.map(function () { return ""; }),
    asmt: data.assessments.map(function () { return { n: 0, sub: false, score: null, answers: [], path: "" }; })
  };
  data.assessments.forEach(function (a, i) {
    if (!a.branching) S.asmt[i].answers = a.questions.map(function () { return ""; });
  });

  function encode() {
    var v = "";
    for (var i = 0; i < P; i += 6) {
      var x = 0;
      for (var b = 0; b < 6; b++) if (S.visited[i + b]) x |= 1 << b;
      v += B64.charAt(x);
    }
    var as = S.asmt.map(function (a, i) {
      return Math.min(a.n, 9999) + (a.sub ? "!" : "") + (a.score === null ? "" : "=" + a.score) + ":" +
        (data.assessments[i].branching ? a.path : a.answers.join(","));
    });
    return ["1", data.hash, v, S.kc.join(","), as.join(";")].join("|");
  }

  /* Restore state written by encode(); false when it belongs to another version of the
     course structure (then only the bookmark is kept). */
  function decode(text) {
    var parts = String(text || "").split("|");
    if (parts.length !== 5 || parts[0] !== "1" || parts[1] !== data.hash) return false;
    var visited = [];
    for (var i = 0; i < P; i++) {
      var x = B64.indexOf(parts[2].charAt(Math.floor(i / 6)));
      visited[i] = x >= 0 && (x >> (i % 6)) & 1 ? 1 : 0;
    }
    var kc = parts[3] === "" && data.kcs.length === 1 ? [""] : parts[3].split(",");
    if (data.kcs.length && kc.length !== data.kcs.length) return false;
    var as = parts[4] === "" ? [] : parts[4].split(";");
    if (as.length !== data.assessments.length) return false;
    var asmt = [];
    for (var k = 0; k < as.length; k++) {
      var m = /^(\d+)(!?)(?:=(\d+))?:(.*)$/.exec(as[k]);
      if (!m) return false;
      var def = data.assessments[k];
      var a = { n: +m[1], sub: m[2] === "!", score: m[3] === undefined ? null : +m[3], answers: [], path: "" };
      if (def.branching) a.path = m[4];
      else {
        a.answers = def.questions.length === 1 ? [m[4]] : m[4].split(",");
        if (a.answers.length !== def.questions.length) return false;
      }
      asmt.push(a);
    }
    S.visited = visited;
    S.kc = data.kcs.length ? kc : [];
    S.asmt = asmt;
    return true;
  }

  function visitedCount() {
    var n = 0;
    for (var i = 0; i < P; i++) if (S.visited[i]) n++;
    return n;
  }

  function mastery() { return data.tracking.mastery; }
  function isPass(score) { return mastery() === null || score >= mastery(); }
  function attemptsLeft(i) {
    var max = data.assessments[i].attempts;
    return max === 0 ? Infinity : Math.max(0, max - S.asmt[i].n);
  }

  /* The tracking rules of course.yaml, applied to the current state. */
  function evaluate() {
    var allViewed = visitedCount() === P;
    var ti = data.tracking.assessment;
    var a = ti === null ? null : S.asmt[ti];
    var scored = !!a && a.n > 0 && a.score !== null;
    var passed = scored && isPass(a.score);
    var failed = scored && !passed;
    var rule = data.tracking.completion;
    var r = { status: "incomplete", score: null, done: false };
    if (rule === "viewed") {
      r.status = allViewed ? "completed" : "incomplete";
      if (scored) r.score = a.score;
    } else if (rule === "passed") {
      r.status = passed ? "passed" : failed ? "failed" : "incomplete";
      if (scored) r.score = a.score;
    } else if (failed) {
      r.status = "failed"; r.score = a.score;
    } else if (passed && allViewed) {
      r.status = "passed"; r.score = a.score;
    }
    r.done = r.status === "passed" || r.status === "completed" ||
      (r.status === "failed" && attemptsLeft(ti) === 0);
    return r;
  }

  /* ---------------------------------------------------------------- tracking ---- */

  var lms = null;
  var info = null;
  var startedAt = Date.now();
  var finished = false;
  var reported = "";

  function notice(text) {
    var box = $(".cp-notice");
    if (box.textContent !== text) box.textContent = text;
    box.hidden = !text;
  }

  function persist() {
    if (finished) return;
    var r = evaluate();
    var status = r.status;
    /* never move the LMS backwards (e.g. a learner reviewing a passed course) */
    if (RANK[status] < RANK[reported] ) status = "";
    if (info.mode === "review" || info.mode === "browse") { status = ""; r.score = null; }
    var ok = lms.save({ location: data.pages[S.page].loc, suspend: encode(), status: status, score: r.score });
    if (status) reported = status;
    if (lms.name === "standalone") return;
    notice(ok ? "" : t.save_failed);
  }

  function finish() {
    if (finished || !lms) return;
    persist();
    finished = true;
    var r = evaluate();
    lms.finish(r.done ? "" : "suspend", (Date.now() - startedAt) / 1000);
  }

  /* ---------------------------------------------------------------- pages ------- */

  var sections = $$("section.page[data-page]").sort(function (a, b) { return a.dataset.page - b.dataset.page; });
  var menuItems = $$(".cp-menu li");
  var current = null;

  function showSection(section, focus) {
    if (current && current !== section) current.hidden = true;
    section.hidden = false;
    current = section;
    if (focus) {
      var h = $("h1", section);
      if (h) h.focus();
      window.scrollTo(0, 0);
    }
  }

  function show(index, focus) {
    index = Math.max(0, Math.min(P - 1, index));
    S.page = index;
    S.visited[index] = 1;
    showSection(sections[index], focus);
    updateChrome();
    persist();
  }

  function updateChrome() {
    var unit = data.pages[S.page].unit;
    var done = visitedCount();
    var percent = Math.round(100 * done / P);
    var bar = $(".cp-bar");
    bar.setAttribute("aria-valuenow", percent);
    bar.setAttribute("aria-valuetext", fmt(t.progress_text, { percent: percent }));
    $("span", bar).style.width = percent + "%";
    $(".cp-progress-text").textContent = fmt(t.progress_text, { percent: percent });
    var info = $(".cp-pageinfo");
    info.textContent = fmt(t.page_x_of_y, { n: S.page + 1, total: P });
    $(".cp-back").disabled = S.page === 0 && current === sections[0];
    $(".cp-next").disabled = S.page === P - 1 && current === sections[P - 1];
    menuItems.forEach(function (li, i) {
      var u = data.units[i];
      var seen = 0;
      for (var p = u.first; p < u.first + u.count; p++) if (S.visited[p]) seen++;
      var link = $("a", li);
      var state = i === unit ? t.current : seen === u.count ? t.completed : seen ? t.visited : t.not_visited;
      li.className = (seen === u.count ? "is-complete " : seen ? "is-visited " : "") + (i === unit ? "is-current" : "");
      if (i === unit) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
      $(".cp-unit-status", li).textContent = " (" + state + ")";
    });
  }

  function announce(text) {
    var box = document.getElementById("cp-announce");
    box.textContent = "";
    window.setTimeout(function () { box.textContent = text; }, 50);
  }

  /* In-page links (menu, citations, glossary): show the page that holds the target. */
  function follow(id) {
    var target = document.getElementById(id);
    if (!target) return false;
    var section = target.closest("section.page");
    if (!section) return false;
    if (section.dataset.page !== undefined) show(+section.dataset.page, target === section);
    else { showSection(section, target === section); updateChrome(); }
    if (target !== section) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
      target.scrollIntoView({ block: "center" });
    }
    return true;
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a[href^='#']");
    if (link && follow(link.getAttribute("href").slice(1))) {
      ev.preventDefault();
      closeMenu();
      return;
    }
    var term = ev.target.closest && ev.target.closest(".term-button");
    if (term) {
      var def = document.getElementById(term.getAttribute("aria-controls"));
      var open = term.getAttribute("aria-expanded") === "true";
      term.setAttribute("aria-expanded", open ? "false" : "true");
      def.hidden = open;
    }
  });

  $(".cp-next").addEventListener("click", function () {
    show(current.dataset.page === undefined ? S.page : S.page + 1, true);
  });
  $(".cp-back").addEventListener("click", function () {
    show(current.dataset.page === undefined ? S.page : S.page - 1, true);
  });
  var toggle = $(".cp-menu-toggle");
  function closeMenu() {
    toggle.setAttribute("aria-expanded", "false");
    document.body.classList.remove("menu-open");
  }
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    document.body.classList.toggle("menu-open", open);
  });
  $(".cp-exit").addEventListener("click", function () {
    finish();
    notice(t.finished);
    announce(t.finished);
  });

  /* ---------------------------------------------------------------- questions --- */

  function selection(fieldset) {
    return $$("input", fieldset).filter(function (i) { return i.checked; })
      .map(function (i) { return CHARS.charAt(+i.value); }).join("");
  }
  function select(fieldset, answer) {
    $$("input", fieldset).forEach(function (i) { i.checked = answer.indexOf(CHARS.charAt(+i.value)) >= 0; });
  }
  function isCorrect(q, answer) {
    var want = q.correct.map(function (i) { return CHARS.charAt(i); }).join("");
    return answer !== "" && answer.split("").sort().join("") === want;
  }
  /* Show the verdict and feedback of one question (or hide it with answer null). */
  function feedback(fieldset, q, answer) {
    var box = $(".cp-feedback", fieldset);
    $$(".cp-fb", box).forEach(function (el) { el.hidden = true; });
    if (answer === null) { box.hidden = true; return; }
    var ok = isCorrect(q, answer);
    $(".cp-verdict", box).textContent = ok ? t.correct : t.incorrect;
    box.className = "cp-feedback " + (ok ? "is-correct" : "is-incorrect");
    $("[data-fb='" + (ok ? "correct" : "incorrect") + "']", box).hidden = false;
    answer.split("").forEach(function (c) {
      var el = $("[data-fb='choice-" + CHARS.indexOf(c) + "']", box);
      if (el) el.hidden = false;
    });
    box.hidden = false;
    return ok;
  }

  $$(".cp-question[data-kind='kc']").forEach(function (fieldset) {
    var i = +fieldset.dataset.index;
    var q = data.kcs[i];
    $(".cp-check", fieldset).addEventListener("click", function () {
      var answer = selection(fieldset);
      if (!answer) { announce(t.answer_all); return; }
      S.kc[i] = answer;
      var ok = feedback(fieldset, q, answer);
      announce((ok ? t.correct : t.incorrect) + " " + $(".cp-feedback", fieldset).textContent.replace(/\s+/g, " "));
      persist();
    });
  });

  function restoreKcs() {
    $$(".cp-question[data-kind='kc']").forEach(function (fieldset) {
      var i = +fieldset.dataset.index;
      if (S.kc[i]) { select(fieldset, S.kc[i]); feedback(fieldset, data.kcs[i], S.kc[i]); }
    });
  }

  function resultText(i) {
    var a = S.asmt[i];
    var parts = [fmt(t.your_score, { score: a.score })];
    if (mastery() !== null) parts.push(fmt(t.pass_mark, { mastery: mastery() }));
    var pass = isPass(a.score);
    parts.push(pass ? t.passed : t.failed);
    var left = attemptsLeft(i);
    if (!pass) parts.push(left === 0 ? t.no_attempts_left : left === Infinity ? "" : fmt(t.attempts_left, { n: left }));
    return parts.join(" ").replace(/\s+$/, "");
  }

  function showResult(root, i, focus) {
    var box = $(".cp-result", root);
    var a = S.asmt[i];
    $(".cp-result-text", box).textContent = resultText(i);
    $(".cp-retry", box).hidden = isPass(a.score) || attemptsLeft(i) === 0;
    box.hidden = false;
    if (focus) { box.focus(); announce(resultText(i)); }
  }

  /* Quizzes: answer everything, submit once per attempt, retry while attempts last. */
  $$("form.cp-quiz").forEach(function (form) {
    var i = +form.dataset.assessment;
    var def = data.assessments[i];
    var section = form.closest("section");
    var fieldsets = $$(".cp-question", form);

    function lock(locked) {
      $$("input", form).forEach(function (el) { el.disabled = locked; });
      $(".cp-submit", form).hidden = locked;
    }
    function render(focus) {
      var a = S.asmt[i];
      fieldsets.forEach(function (fs, n) {
        select(fs, a.answers[n] || "");
        feedback(fs, def.questions[n], a.sub ? a.answers[n] : null);
      });
      lock(a.sub);
      if (a.sub) showResult(section, i, focus); else $(".cp-result", section).hidden = true;
    }
    form.addEventListener("change", function () {
      var a = S.asmt[i];
      if (a.sub) return;
      a.answers = fieldsets.map(selection);
      persist();
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var a = S.asmt[i];
      if (a.sub) return;
      a.answers = fieldsets.map(selection);
      var missing = a.answers.indexOf("");
      var error = $(".cp-quiz-error", form);
      error.hidden = missing < 0;
      if (missing >= 0) { $("input", fieldsets[missing]).focus(); announce(t.answer_all); return; }
      var total = 0, got = 0;
      def.questions.forEach(function (q, n) {
        total += q.weight;
        if (isCorrect(q, a.answers[n])) got += q.weight;
      });
      a.n += 1;
      a.sub = true;
      a.score = Math.round(100 * got / total);
      persist();
      render(true);
    });
    $(".cp-retry", section).addEventListener("click", function () {
      var a = S.asmt[i];
      if (isPass(a.score) || attemptsLeft(i) === 0) return;
      a.sub = false;
      a.answers = def.questions.map(function () { return ""; });
      persist();
      render(false);
      $("input", form).focus();
    });
    form._render = render;
  });

  /* Branching scenarios: walk the graph one decision at a time. */
  $$(".cp-scenario").forEach(function (box) {
    var i = +box.dataset.assessment;
    var def = data.assessments[i];

    function walk(path) {
      var node = def.start, points = 0, last = null;
      for (var k = 0; k < path.length; k++) {
        var choice = def.nodes[node].choices[CHARS.indexOf(path.charAt(k))];
        if (!choice) return null;
        points += choice.score;
        last = { node: node, index: CHARS.indexOf(path.charAt(k)) };
        node = choice.next;
      }
      return { node: node, points: points, last: last };
    }
    function render(focus) {
      var a = S.asmt[i];
      var w = walk(a.path) || walk(a.path = "");
      $$(".cp-node", box).forEach(function (el) { el.hidden = el.dataset.node !== w.node; });
      var fb = $(".cp-last-feedback", box);
      if (w.last) {
        var tpl = $(".cp-node[data-node='" + w.last.node + "'] template[data-feedback='" + w.last.index + "']", box);
        fb.innerHTML = tpl ? tpl.innerHTML : "";
        fb.hidden = !fb.innerHTML.trim();
      } else fb.hidden = true;
      var nodeEl = $(".cp-node[data-node='" + w.node + "']", box);
      $$("input", nodeEl).forEach(function (el) { el.checked = false; });
      if (a.sub) showResult(box, i, focus);
      else {
        $(".cp-result", box).hidden = true;
        if (focus) (fb.hidden ? nodeEl : fb).focus();
      }
    }
    $$(".cp-choose", box).forEach(function (button) {
      button.addEventListener("click", function () {
        var a = S.asmt[i];
        var fs = button.closest("fieldset");
        var answer = selection(fs);
        if (!answer || a.sub) { if (!answer) announce(t.answer_all); return; }
        a.path += answer;
        var w = walk(a.path);
        if (def.nodes[w.node].ending) {
          a.n += 1;
          a.sub = true;
          a.score = def.maxPoints ? Math.round(100 * w.points / def.maxPoints) : 100;
        }
        persist();
        render(true);
      });
    });
    $(".cp-retry", box).addEventListener("click", function () {
      var a = S.asmt[i];
      if (isPass(a.score) || attemptsLeft(i) === 0) return;
      a.sub = false;
      a.path = "";
      persist();
      render(true);
    });
    $$(".cp-node", box).forEach(function (el) { el.setAttribute("tabindex", "-1"); });
    box._render = render;
  });

  /* ---------------------------------------------------------------- start ------- */

  function start() {
    var api = findScorm12API(window);
    lms = api ? new Scorm12(api) : new Standalone();
    info = lms.start();
    if (!info) {                       /* LMSInitialize failed: keep the learner going */
      lms = new Standalone();
      info = lms.start();
      notice(t.save_failed);
    } else if (lms.name === "standalone") {
      notice(t.standalone);
    }
    reported = info.status;
    var index = 0;
    var resume = info.entry === "resume" || (info.entry === "" && info.suspend);
    if (resume) {
      decode(info.suspend);
      for (var p = 0; p < P; p++) if (data.pages[p].loc === info.location) index = p;
    }
    restoreKcs();
    $$("form.cp-quiz, .cp-scenario").forEach(function (el) { el._render(false); });
    if (RANK[info.status] === 0 && info.mode === "normal" && lms.name !== "standalone") {
      lms.set("cmi.core.lesson_status", "incomplete");
      reported = "incomplete";
    }
    show(index, false);
    window.addEventListener("pagehide", finish);
    window.addEventListener("unload", finish);
    window.coursepack = { state: S, encode: encode, decode: decode, evaluate: evaluate, finish: finish, lms: lms, show: show };
  }

  start();
})();

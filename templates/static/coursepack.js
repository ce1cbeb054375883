/* coursepack runtime: navigation, knowledge checks, assessments and tracking.
 *
 * No dependencies. Question types live in cp-questions.js, LMS adapters in cp-lms.js;
 * this file holds the course logic. The course description comes from
 * content/course.js (window.CoursepackData); the pages of each unit are loaded on demand
 * by cp-pages.js (CP.pages), which calls the content hooks (CP.onContent). The resume-state
 * format is documented in templates/static/cp-state.js and builder/state.py, which computes
 * its worst-case length at build time.
 */
(function () {
  "use strict";

  var Q = window.CoursepackQuestions;
  var LMS = window.CoursepackLMS;
  var data = window.CoursepackData;
  var defs = data.assessments;                 /* the assessments, in course order */
  var counted = data.tracking.counted;         /* the ones the course's result counts */
  var Pages = window.CP.pages;
  var t = JSON.parse(document.getElementById("cp-messages").textContent);
  var CHARS = Q.CHARS;
  var RANK = { "": 0, "not attempted": 0, browsed: 0, incomplete: 1, failed: 2, completed: 3, passed: 4 };
  var P = data.pageCount;

  function fmt(text, vars) {
    return String(text).replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? vars[k] : m; });
  }
  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  /* ---------------------------------------------------------------- state ------- */

  var S = {
    page: 0,
    visited: [],
    kc: data.kcs.map(function () { return ""; }),
    asmt: defs.map(window.CoursepackState.fresh),
    watched: []     /* per entry of data.media: 1 once played to 95% (blocks/media.js) */
  };

  function newSeed() {
    var s = "";
    for (var i = 0; i < 4; i++) s += CHARS.charAt(Math.floor(Math.random() * 36));
    return s;
  }
  function seeded(def) { return !def.branching && (def.draw > 0 || def.shuffle); }
  function random(seed, salt) { return Q.rng(parseInt(seed || "0", 36) ^ Q.hash(salt)); }

  /* The questions of a quiz shown in the current attempt: their authored positions, in
     the order shown. */
  function shown(i) { return shownWith(i, S.asmt[i].seed); }
  function shownWith(i, seed) {
    var def = defs[i];
    var n = def.questions.length;
    if (!def.draw) {
      var all = [];
      for (var k = 0; k < n; k++) all.push(k);
      return all;
    }
    return Q.draw(def.questions.map(function (q) { return q.objectives; }), def.draw,
                  random(seed, def.id));
  }

  /* The resume state (cp-state.js): restored whole or not at all. */
  var codec = window.CoursepackState.codec(data, shownWith);
  var refusedNotice = "";
  function encode() { return codec.encode(S); }
  function decode(text) {
    var r = codec.decode(text);
    if (!r.ok) {
      if (r.reason !== "empty") {
        if (window.console) window.console.warn("coursepack: the saved progress was refused (" +
                                                r.reason + "); the course starts afresh");
        refusedNotice = t.state_refused;
      }
      return false;
    }
    S.visited = r.visited;
    S.kc = r.kc;
    S.asmt = r.asmt;
    if (window.console && (r.dropped.pages || r.dropped.kcs || r.dropped.answers))
      window.console.info("coursepack: resume state of an earlier release: " + JSON.stringify(r.dropped) +
                          " dropped (-1: that release is unknown to this package)");
    S.watched = r.watched;
    return true;
  }

  /* The page of the first media block marked required and not played to 95% yet, or
     null (blocks/media.js, shipped only with media, sets core.unwatched). */
  function unwatched() { return core.unwatched ? core.unwatched() : null; }
  /* Every page seen, and every required media block watched. */
  function allViewed() { return visitedCount() === P && unwatched() === null; }

  function visitedCount() {
    var n = 0;
    for (var i = 0; i < P; i++) if (S.visited[i]) n++;
    return n;
  }

  function isPass(i, score) {
    var mastery = defs[i].mastery;
    return score === null || mastery === null || score >= mastery;
  }
  function attemptsLeft(i) {
    var max = defs[i].attempts;
    return max === 0 ? Infinity : Math.max(0, max - S.asmt[i].n);
  }

  /* The counted assessments (tracking.assessment, then tracking.require) judged as one:
     null while none has failed and one is still unscored; otherwise the lowest of their
     scores (all share one pass mark, so the score agrees with the verdict, as SCORM 2004's
     scaled_passing_score and cmi5's masteryScore require), passed when every one passed,
     final when a failed one has no attempts left. */
  function combined() {
    var scores = [], failed = false, final = false, pending = false;
    counted.forEach(function (i) {
      var a = S.asmt[i];
      if (!a.n || a.score === null) { pending = true; return; }
      scores.push(a.score);
      if (!isPass(i, a.score)) { failed = true; if (attemptsLeft(i) === 0) final = true; }
    });
    if (!scores.length || (pending && !failed)) return null;
    return { score: Math.min.apply(null, scores), passed: !failed, final: final };
  }

  /* The tracking rules of course.yaml, applied to the current state. */
  function evaluate() {
    var viewed = allViewed();
    var j = combined();
    var passed = !!j && j.passed;
    var failed = !!j && !j.passed;
    var rule = data.tracking.completion;
    var r = { status: "incomplete", score: null, done: false };
    if (rule === "viewed") {
      r.status = viewed ? "completed" : "incomplete";
      if (j) r.score = j.score;
    } else if (rule === "passed") {
      r.status = passed ? "passed" : failed ? "failed" : "incomplete";
      if (j) r.score = j.score;
    } else {
      r.status = failed ? "failed" : passed && viewed ? "passed" : "incomplete";
      /* A pass with pages still unseen reports no score (an LMS applying "mastery score
         overrides status" would mark the course passed), unless an earlier failing score
         was reported (a second attempt follows only a failed one): then the latest
         score, so that the failing one does not stay in the gradebook. */
      if (j && (r.status !== "incomplete" ||
                counted.some(function (i) { return S.asmt[i].n > 1; }))) r.score = j.score;
    }
    r.done = r.status === "passed" || r.status === "completed" ||
      (r.status === "failed" && j.final);
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
  function reviewing() { return info.mode === "review" || info.mode === "browse"; }

  function persist() {
    /* nothing to save before the first page is shown (its unit may still be loading) */
    if (finished || !(data.pages && data.pages[S.page])) return true;
    var r = evaluate();
    var status = r.status;
    /* a passed or completed course never moves backwards (failed may become incomplete
       again when a retry passes but pages are still unseen) */
    if (RANK[reported] >= RANK.completed && RANK[status] < RANK[reported]) status = "";
    /* a failed status stays until a new verdict replaces it (resume data dropped): while
       no counted assessment has a score in this state; a retake that passed, with other
       counted assessments still to take, is incomplete again */
    if (reported === "failed" && status === "incomplete" && !combined() &&
        !counted.some(function (i) { return S.asmt[i].score !== null; })) status = "";
    /* a score only with the status it belongs to, and a finished learner's score never
       goes down */
    if (!status || (RANK[reported] >= RANK.completed && typeof info.score === "number" &&
                    r.score !== null && r.score < info.score)) r.score = null;
    if (reviewing()) { status = ""; r.score = null; }
    var ok = lms.save({ location: data.pages[bookmark()].loc, suspend: encode(), status: status,
                        score: r.score, viewed: allViewed(), progress: visitedCount() / P,
                        judgement: reviewing() ? null : judgement(),
                        seconds: (Date.now() - startedAt) / 1000 });
    if (status) reported = status;
    if (lms.name !== "standalone") notice(ok ? refusedNotice : t.save_failed);
    outcome();
    return ok;
  }

  /* The page saved as the bookmark: the page shown, unless a feature names another (on
     the cover, the page its Resume button goes to: cp-screens.js). */
  function bookmark() {
    var p = core.bookmark ? core.bookmark() : S.page;
    return data.pages[p] ? p : S.page;
  }

  /* The tracked assessment's latest result, for adapters that report pass/fail. */
  function judgement() {
    var j = combined();
    if (!j) return null;
    var mastery = defs[counted[0]].mastery;
    return { score: j.score, passed: mastery === null ? null : j.passed, mastery: mastery,
             final: j.final };
  }

  /* End the session, once: save, then the adapter's finish. Resolves to false when the
     LMS did not take the last state or the finish (so the learner can be told). */
  function finish() {
    if (finished || !lms || !info) return Promise.resolve(true);
    var saved = persist();
    finished = true;
    var done;
    try {
      done = lms.finish(evaluate().done || RANK[reported] >= RANK.completed ? "" : "suspend",
                        (Date.now() - startedAt) / 1000);
    } catch (e) { done = false; }
    return Promise.resolve(done).then(function (ok) {
      return ok !== false && (saved !== false || !!lms.finishSaves);
    }, function () { return false; });
  }

  /* One interaction record for the LMS (question-level reporting). */
  function report(q, answer, since, weighting, unit) {
    if (reviewing()) return;
    var ok = Q.isCorrect(q, answer);
    lms.interaction({
      id: q.iid, type: q.itype, objectives: q.objectives, pattern: q.pattern,
      result: ok === null ? "neutral" : ok ? "correct" : "wrong",
      weighting: weighting, latency: (Date.now() - since) / 1000,
      q: q, answer: answer, parent: data.xapi ? data.xapi.units[unit].id : null
    });
  }
  /* An assessment was submitted (adapters that report assessments on their own). */
  function assessed(i) {
    if (reviewing() || !lms.assessed) return;
    var a = S.asmt[i];
    lms.assessed({ unit: defs[i].unit, score: a.score, passed: isPass(i, a.score) });
  }

  /* Each learning objective's score: the weighted share of right answers among the
     submitted assessment questions (and graded knowledge checks) that assess it; a
     scenario decision counts as one question scored by its points over the node's best,
     for its node's objectives (objectives no decision on the path assessed are left out). */
  function objectiveScores() {
    var acc = {};
    function add(ids, weight, got) {
      ids.forEach(function (id) {
        acc[id] = acc[id] || { got: 0, total: 0 };
        acc[id].total += weight;
        acc[id].got += got;
      });
    }
    defs.forEach(function (def, i) {
      var a = S.asmt[i];
      if (!a.sub) return;
      /* a scenario: each decision counts once, for the objectives of its node (the walk
         is cp-scenario.js's, shipped with a scenario) */
      if (def.branching) {
        (window.CoursepackScenario.walk(def, a.path) || { steps: [] }).steps.forEach(function (step) {
          if (step.best > 0) add(step.objectives, 1, step.score / step.best);
        });
        return;
      }
      shown(i).forEach(function (qi, n) {
        var q = def.questions[qi];
        if (q.scored) add(q.objectives, q.weight, Q.isCorrect(q, a.answers[n]) ? q.weight : 0);
      });
    });
    data.kcs.forEach(function (q, i) {
      if (q.scored && S.kc[i]) add(q.objectives, q.weight, Q.isCorrect(q, S.kc[i]) ? q.weight : 0);
    });
    return acc;
  }
  function reportObjectives() {
    if (reviewing()) return;
    var acc = objectiveScores();
    var mastery = data.tracking.mastery;
    data.objectives.forEach(function (id) {
      if (!acc[id] || !acc[id].total) return;
      var score = Math.round(100 * acc[id].got / acc[id].total);
      lms.objective(id, score, mastery === null ? "completed" : score >= mastery ? "passed" : "failed");
    });
  }

  /* ---------------------------------------------------------------- pages ------- */

  /* The section of page `index`, when its unit is in the DOM. */
  function sectionOf(index) { return $("section.page[data-page='" + index + "']"); }
  var menu = Pages.menu($(".cp-units"), t);
  var current = null;
  var shownAt = Date.now();

  function showSection(section, focus) {
    if (current && current !== section) current.hidden = true;
    section.hidden = false;
    if (current !== section) shownAt = Date.now();
    current = section;
    if (focus) {
      var h = $("h1", section);
      if (h) h.focus();
      window.scrollTo(0, 0);
    }
  }

  var wanted = null;      /* the page asked for while its unit loads */
  /* the first page is being shown: its save (the resume state packed for the LMS) waits
     until it has painted (begin) */
  var opening = false;
  function show(index, focus) {
    index = Math.max(0, Math.min(P - 1, index));
    var u = Pages.unitOf(index);
    if (!Pages.loaded(u)) {
      /* not in the DOM: load its unit, then show it (the page shown until then is hidden,
         so nothing stale stays on screen) */
      wanted = index;
      $("main").setAttribute("aria-busy", "true");
      if (current) current.hidden = true;
      Pages.load(u, function () {
        if (wanted !== index) return;
        wanted = null;
        $("main").removeAttribute("aria-busy");
        show(index, focus);
      }, function () {
        if (wanted !== index) return;
        wanted = null;
        $("main").removeAttribute("aria-busy");
        if (current) current.hidden = false;
        notice(t.load_failed);
      });
      return;
    }
    wanted = null;
    S.page = index;
    S.visited[index] = 1;
    showSection(sectionOf(index), focus);
    /* the DOM holds the unit shown and the next one (loaded ahead of the learner) */
    Pages.retain([u, u + 1]);
    Pages.ahead(u + 1);
    updateChrome();
    if (lms.page && !finished) lms.page(index, Math.round(100 * visitedCount() / P));
    if (!opening) persist();
    else outcome();      /* what the first page may show of the result (the cover) */
    if (focus && refusedNotice) { refusedNotice = ""; notice(""); }
    if (focus) announce(fmt(t.page_x_of_y, { n: index + 1, total: P }) + ". " +
                        fmt(t.progress_text, { percent: Math.round(100 * visitedCount() / P) }));
  }

  function updateChrome() {
    var unit = data.pages[S.page].unit;
    var percent = Math.round(100 * visitedCount() / P);
    var bar = $(".cp-bar");
    bar.setAttribute("aria-valuenow", percent);
    bar.setAttribute("aria-valuetext", fmt(t.progress_text, { percent: percent }));
    $("span", bar).style.width = percent + "%";
    $(".cp-progress-text").textContent = fmt(t.progress_text, { percent: percent });
    /* the result, glossary and references screens are outside the page flow: no page
       number, no Next, Back returns to the page the learner came from */
    var aux = current.dataset.page === undefined;
    var title = $("h1", current).textContent;
    $(".cp-pageinfo").textContent = aux ? title : fmt(t.page_x_of_y, { n: S.page + 1, total: P });
    $(".cp-back").disabled = S.page === 0 && !aux;
    $(".cp-next").disabled = S.page === P - 1;
    $(".cp-next").hidden = aux;
    document.title = title + " \u2013 " + data.title;
    var printItem = $(".cp-print") && $(".cp-print").closest("li");
    if (printItem) printItem.hidden = aux;     /* nothing to print as a module there */
    menu.update(unit, function (li, i) {      /* the entries the menu draws */
      var u = data.units[i];
      var seen = 0;
      for (var p = u.first; p < u.first + u.count; p++) if (S.visited[p]) seen++;
      var complete = seen === u.count && unitDone(i);
      var link = $("a", li);
      var state = i === unit && !aux ? t.current : complete ? t.completed : seen ? t.visited : t.not_visited;
      li.className = (complete ? "is-complete " : seen ? "is-visited " : "") + (i === unit && !aux ? "is-current" : "");
      if (i === unit && !aux) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
      $(".cp-unit-status", li).textContent = " (" + state + ")";
    });
    $$(".cp-tools a").forEach(function (a) {
      if (a.getAttribute("href") === "#" + current.id) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
  }

  /* An assessment counts as completed once it has been passed, or its attempts are used up. */
  function unitDone(u) {
    for (var i = 0; i < defs.length; i++) {
      if (defs[i].unit !== u) continue;
      var a = S.asmt[i];
      return a.n > 0 && a.score !== null ? isPass(i, a.score) || attemptsLeft(i) === 0 : a.n > 0;
    }
    return true;
  }

  /* The result screen (#cp-complete): the tracking rules applied to the current state. */
  function outcome() {
    var box = document.getElementById("cp-complete");
    if (!box) return "";
    var r = evaluate();
    var status = RANK[reported] >= RANK.completed && RANK[reported] > RANK[r.status] ? reported : r.status;
    var j = combined();
    var seen = visitedCount();
    var done = status === "passed" || status === "completed" || r.done;
    $(".cp-outcome", box).setAttribute("data-status", status);
    $(".cp-outcome-status", box).textContent = t["outcome_" + status];
    $(".cp-outcome-summary", box).textContent = status === "failed" ?
      (j && j.final ? t.no_attempts_left : t.course_retry) :
      done ? t.course_complete : t.course_incomplete;
    $(".cp-fact-status", box).textContent = t["course_status_" + status];
    var score = $(".cp-outcome-score", box);
    score.hidden = !j;
    if (!score.hidden) {
      var mastery = defs[counted[0]].mastery;
      score.textContent = fmt(t.your_score, { score: j.score }) +
        (mastery === null ? "" : " " + fmt(t.pass_mark, { mastery: mastery }));
    }
    $(".cp-fact-pages", box).textContent = fmt(t.pages_seen, { n: seen, total: P });
    /* what to do next: retake a failed assessment, see a page not seen yet, or take the
       assessment */
    var next = null, label = t.go_assessment;
    /* the first counted assessment not taken yet, or failed with attempts left */
    var redo = null;
    counted.forEach(function (i) {
      var x = S.asmt[i];
      if (redo === null && (!x.n || (!isPass(i, x.score) && attemptsLeft(i) > 0))) redo = i;
    });
    var retake = redo !== null;
    var assessment = retake ? data.units[defs[redo].unit].first : null;
    if (!done && status === "failed" && retake) next = assessment;
    else if (!done) {
      for (var p = 0; p < P && next === null; p++) if (!S.visited[p]) { next = p; label = t.go_unseen; }
      if (next === null && unwatched() !== null) { next = unwatched(); label = t.go_media; }
      if (next === null && retake) next = assessment;
    }
    var line = $(".cp-outcome-next", box);
    line.hidden = next === null;
    if (next !== null) {
      /* a page not in the DOM: the link names its unit and goes to the page itself */
      var link = $("a", line);
      var target = sectionOf(next);
      var unitDef = data.units[Pages.unitOf(next)];
      link.setAttribute("href", "#" + (target ? target.id : unitDef.start));
      link.setAttribute("data-page", next);
      link.textContent = fmt(label, { title: target ? $("h1", target).textContent : unitDef.title });
    }
    $$(".cp-to-result").forEach(function (el) {
      var unit = +el.closest("section").dataset.unit;
      el.hidden = !counted.some(function (i) {
        return defs[i].unit === unit && S.asmt[i].n > 0;
      });
    });
    fire("outcome", { status: status, done: done, judged: j });
    return [$(".cp-outcome-status", box).textContent + ".", $(".cp-outcome-summary", box).textContent,
            score.hidden ? "" : score.textContent].filter(Boolean).join(" ");
  }

  function announce(text) {
    var box = document.getElementById("cp-announce");
    box.textContent = "";
    window.setTimeout(function () { box.textContent = text; }, 50);
  }

  /* In-page links (menu, citations, glossary): show the page that holds the target. */
  function follow(id, page) {
    if (page !== undefined && !sectionOf(page)) { show(page, true); return true; }
    var target = document.getElementById(id);
    if (!target) {
      /* in a unit not loaded yet: load it, then follow the link */
      var u = Pages.unitOfId(id);
      if (u === null) return false;
      Pages.load(u, function () { if (document.getElementById(id)) follow(id); },
                 function () { notice(t.load_failed); });
      return true;
    }
    var section = target.closest("section.page");
    if (!section) return false;
    if (section.dataset.page !== undefined) show(+section.dataset.page, target === section);
    else {
      showSection(section, target === section);
      updateChrome();
      if (section.id === "cp-complete") announce(outcome());
    }
    if (target !== section) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
      target.scrollIntoView({ block: "center" });
    }
    return true;
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a[href^='#']");
    if (link && link.getAttribute("href") === "#main") {   /* the skip link */
      ev.preventDefault();
      var h = $("h1", current);
      if (h) h.focus();
      return;
    }
    var page = link && link.hasAttribute("data-page") ? +link.getAttribute("data-page") : undefined;
    if (link && follow(link.getAttribute("href").slice(1), page)) {
      ev.preventDefault();
      closeMenu();
      return;
    }
    var button = ev.target.closest && ev.target.closest(".pop-button");
    if (button) popover(button, button.getAttribute("aria-expanded") !== "true");
  });

  /* Glossary terms and citation markers: a disclosure button and its popover right after
     it (read next by screen readers). One is open at a time. */
  function popover(button, open) {
    if (open) $$(".pop-button[aria-expanded='true']").forEach(function (b) { popover(b, false); });
    button.setAttribute("aria-expanded", open ? "true" : "false");
    document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
  }

  /* Escape closes what is open: a glossary definition or a reference (focus back on its
     button) or the menu on small screens (focus back on the menu button). */
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" && ev.key !== "Esc") return;
    var wrap = ev.target.closest && ev.target.closest(".term, .cite");
    var button = wrap && $(".pop-button", wrap);
    if (button && button.getAttribute("aria-expanded") === "true") {
      popover(button, false);
      button.focus();
    } else if (toggle.getAttribute("aria-expanded") === "true") {
      closeMenu();
      toggle.focus();
    }
  });

  /* Print the whole module of the current page (Ctrl+P prints the page on its own). */
  var printButton = $(".cp-print");   /* absent from older template overrides */
  if (printButton) printButton.addEventListener("click", function () {
    var unit = current.dataset.unit;
    $$("section.page").forEach(function (el) {
      el.classList.toggle("cp-print-all", unit !== undefined && el.dataset.unit === unit);
    });
    closeMenu();
    window.print();
  });
  window.addEventListener("afterprint", function () {
    $$(".cp-print-all").forEach(function (el) { el.classList.remove("cp-print-all"); });
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
  /* After "Save and exit" the session is over, and a course that stayed usable would
     silently save nothing more: after LMSFinish / Terminate only the support methods
     (GetLastError...) may be called (SCORM 2004 RTE, API session methods: a second
     Initialize fails with 104 "Content Instance Terminated"; SCORM 1.2 defines no restart
     either), and no statement may follow cmi5's terminated. Re-initialising is not
     allowed, so the course stops: its pages go away and the learner reads whether the
     last state was saved and how to go on (open the course again from the LMS). */
  function end(ok) {
    var text = (ok ? t.finished : t.ended_unsaved) + " " + t.session_ended;
    document.documentElement.setAttribute("data-cp-ended", ok ? "saved" : "not-saved");
    $$(".cp-layout, .cp-footer, .cp-menu-toggle, .cp-exit, .cp-progress").forEach(function (el) {
      el.hidden = true;
      el.setAttribute("inert", "");
    });
    var box = $(".cp-notice");
    notice(text);
    box.setAttribute("tabindex", "-1");
    box.focus();
  }
  $(".cp-exit").addEventListener("click", function () {
    if (finished || !info) return;
    finish().then(function (ok) {
      if (ok && info && info.returnURL) { window.location.assign(info.returnURL); return; }
      end(ok);
    });
  });

  /* ---------------------------------------------------------------- questions --- */

  /* Show the verdict and feedback of one question; answer null hides them. */
  function feedback(fieldset, q, answer, showKey) {
    var box = $(".cp-feedback", fieldset);
    $$(".cp-fb", box).forEach(function (el) { el.hidden = true; });
    if (answer === null) { box.hidden = true; return null; }
    var ok = Q.isCorrect(q, answer);
    var verdict = $(".cp-verdict", box);
    if (ok === null) {
      verdict.textContent = t.thanks;
      box.className = "cp-feedback";
    } else {
      verdict.textContent = ok ? t.correct : t.incorrect;
      box.className = "cp-feedback " + (ok ? "is-correct" : "is-incorrect");
      $("[data-fb='" + (ok ? "correct" : "incorrect") + "']", box).hidden = false;
      if (showKey && !ok) $("[data-fb='key']", box).hidden = false;
    }
    if (Q.type(q).optionFeedback) {
      answer.split("").forEach(function (c) {
        var el = $("[data-fb='choice-" + CHARS.indexOf(c) + "']", box);
        if (el) el.hidden = false;
      });
    }
    box.hidden = false;
    return ok;
  }

  /* An answer that cannot be checked yet: say what is missing, in the question and aloud,
     and put focus on its first control. Returns true when something is missing. */
  function incomplete(fieldset, q) {
    var key = Q.missing(fieldset, q);
    var box = $(".cp-missing", fieldset);
    if (box) { box.textContent = key ? t[key] : ""; box.hidden = !key; }
    if (key) {
      var first = $("input, select", fieldset);
      if (first) first.focus();
      announce(t[key]);
    }
    return !!key;
  }

  /* Sequencing items are shown in a scrambled order that is never the right one. */
  function scramble(n, random) {
    var order = Q.permutation(n, random);
    var same = order.every(function (v, i) { return v === i; });
    return same && n > 1 ? order.slice(1).concat(order.slice(0, 1)) : order;
  }

  /* Knowledge checks, set up (and their saved answers shown) as their unit is inserted. */
  window.CP.onContent(function (root) { $$(".cp-question[data-kind='kc']", root).forEach(function (fieldset) {
    if (fieldset.hasAttribute("data-cp-init")) return;
    fieldset.setAttribute("data-cp-init", "");
    var i = +fieldset.dataset.index;
    var q = data.kcs[i];
    if (Q.type(q).scramble === "order") Q.arrange(fieldset, q, scramble(q.n, Q.rng(Q.hash(q.id))));
    /* matching targets in a seeded order, never the answer order: the same on every
       visit and resume */
    if (Q.type(q).scramble === "targets") Q.arrange(fieldset, q, scramble(q.n, Q.rng(Q.hash(q.id + "/targets"))));
    $(".cp-check", fieldset).addEventListener("click", function () {
      if (incomplete(fieldset, q)) return;
      var answer = Q.read(fieldset, q);
      S.kc[i] = answer;
      var ok = feedback(fieldset, q, answer, false);
      report(q, answer, shownAt, q.scored ? q.weight : 0, +fieldset.closest("section").dataset.unit);
      if (q.scored) reportObjectives();
      persist();
      var text = $(".cp-feedback", fieldset).innerText || $(".cp-feedback", fieldset).textContent;
      announce(ok === null ? t.thanks : text.replace(/\s+/g, " "));
    });
    if (S.kc[i]) { Q.restore(fieldset, q, S.kc[i]); feedback(fieldset, q, S.kc[i], false); }
  }); });

  function resultText(i) {
    var a = S.asmt[i];
    var def = defs[i];
    if (a.score === null) return t.thanks;
    var parts = [fmt(t.your_score, { score: a.score })];
    if (def.mastery !== null) parts.push(fmt(t.pass_mark, { mastery: def.mastery }));
    var pass = isPass(i, a.score);
    parts.push(pass ? t.passed : t.failed);
    var left = attemptsLeft(i);
    if (!pass && left !== Infinity) parts.push(left === 0 ? t.no_attempts_left : fmt(t.attempts_left, { n: left }));
    return parts.join(" ");
  }

  function showResult(root, i, focus) {
    var box = $(".cp-result", root);
    var a = S.asmt[i];
    $(".cp-result-text", box).textContent = resultText(i);
    $(".cp-retry", box).hidden = isPass(i, a.score) || attemptsLeft(i) === 0;
    box.hidden = false;
    if (focus) { box.focus(); announce(resultText(i)); }
  }

  /* Quizzes: answer everything, submit once per attempt, retry while attempts last. Set up
     (and laid out from the saved state) as their unit is inserted. */
  window.CP.onContent(function (root) { $$("form.cp-quiz", root).forEach(function (form) {
    if (form.hasAttribute("data-cp-init")) return;
    form.setAttribute("data-cp-init", "");
    var i = +form.dataset.assessment;
    var def = defs[i];
    var section = form.closest("section");
    var all = $$(".cp-question", form);
    var submit = $(".cp-submit", form);
    var error = $(".cp-quiz-error", form);

    function visible() { return shown(i).map(function (qi) { return all[qi]; }); }
    /* Lay out the current attempt: the questions drawn, in order, options arranged. */
    function layout() {
      var a = S.asmt[i];
      if (seeded(def) && !a.seed) a.seed = newSeed();
      var order = shown(i);
      all.forEach(function (fs) { fs.hidden = true; });
      order.forEach(function (qi, n) {
        var fs = all[qi];
        var q = def.questions[qi];
        fs.hidden = false;
        form.insertBefore(fs, error);
        var num = $(".cp-qnum", fs);
        num.hidden = false;
        num.textContent = fmt(t.question_n, { n: n + 1, total: order.length });
        var scrambled = Q.type(q).scramble;
        if (scrambled === "order") Q.arrange(fs, q, scramble(q.n, random(a.seed, q.id + "/order")));
        else if (def.shuffle) Q.arrange(fs, q, Q.permutation(q.n, random(a.seed, q.id)));
        else if (scrambled === "targets") Q.arrange(fs, q, scramble(q.n, Q.rng(Q.hash(q.id + "/targets"))));
      });
    }
    function render(focus) {
      var a = S.asmt[i];
      layout();
      visible().forEach(function (fs, n) {
        var q = def.questions[shown(i)[n]];
        Q.restore(fs, q, a.answers[n] || "");
        feedback(fs, q, a.sub ? a.answers[n] || "" : null, def.showCorrect);
        Q.setDisabled(fs, a.sub);
      });
      submit.hidden = a.sub;
      error.hidden = true;
      if (a.sub) showResult(section, i, focus); else $(".cp-result", section).hidden = true;
    }
    function collect() {
      var order = shown(i);
      return visible().map(function (fs, n) { return Q.read(fs, def.questions[order[n]]); });
    }
    form.addEventListener("change", function () {
      var a = S.asmt[i];
      if (a.sub) return;
      a.answers = collect();
      persist();
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var a = S.asmt[i];
      if (a.sub) return;
      a.answers = collect();
      var order = shown(i);
      var gaps = visible().filter(function (fs, n) { return incomplete(fs, def.questions[order[n]]); });
      error.hidden = !gaps.length;
      if (gaps.length) {
        var target = $("input, select", gaps[0]);
        if (target) target.focus();
        announce(t.answer_all);
        return;
      }
      var total = 0, got = 0;
      order.forEach(function (qi, n) {
        var q = def.questions[qi];
        if (!q.scored) return;
        total += q.weight;
        if (Q.isCorrect(q, a.answers[n])) got += q.weight;
      });
      a.n += 1;
      a.sub = true;
      a.score = total ? Math.round(100 * got / total) : null;
      order.forEach(function (qi, n) {
        var q = def.questions[qi];
        report(q, a.answers[n], shownAt, q.scored ? q.weight : 0, def.unit);
      });
      reportObjectives();
      assessed(i);
      persist();
      render(true);
    });
    $(".cp-retry", section).addEventListener("click", function () {
      var a = S.asmt[i];
      if (isPass(i, a.score) || attemptsLeft(i) === 0) return;
      a.sub = false;
      a.seed = seeded(def) ? newSeed() : "";
      a.answers = shown(i).map(function () { return ""; });
      shownAt = Date.now();
      persist();
      render(false);
      var first = $("input, select", visible()[0]);
      if (first) first.focus();
    });
    form._render = render;
    render(false);
  }); });

  /* ---------------------------------------------------------------- features ---- */

  /* Optional parts of the runtime (cp-scenario.js) register a function that gets the
     course logic and wires up its own markup. A package carries only the parts its
     course uses. */
  /* Hooks for features (cp-screens.js): "begin" (the first page is shown; with the LMS's
     start info, whose learner is the learner's name as the LMS gives it) and "outcome"
     (the result screen was brought up to date). A feature may also set core.opening
     (index -> the page to open the course at, given the page the LMS resumes at) and
     core.bookmark (() -> the page to save as the bookmark). */
  var hooks = {};
  function fire(name, arg) {
    var taken = false;
    (hooks[name] || []).forEach(function (fn) { if (fn(arg)) taken = true; });
    return taken;
  }
  var core = {
    data: data, t: t, state: S, $: $, $$: $$, fmt: fmt,
    on: function (name, fn) { (hooks[name] = hooks[name] || []).push(fn); },
    show: show, objectiveScores: objectiveScores,
    announce: announce, persist: persist, reportObjectives: reportObjectives, assessed: assessed,
    isPass: isPass, attemptsLeft: attemptsLeft, showResult: showResult, resultText: resultText,
    reviewing: reviewing,
    begun: [],                                         /* run once the saved state is read */
    lms: function () { return lms; },
    since: function () { return shownAt; },          /* when the current question showed */
    restart: function () { shownAt = Date.now(); }
  };
  (window.CoursepackFeatures || []).forEach(function (feature) { feature(core); });

  /* ---------------------------------------------------------------- start ------- */

  function begin(result) {
    info = result;
    if (info.mastery !== null && info.mastery !== undefined) {   /* cmi5 LaunchData */
      data.tracking.mastery = info.mastery;
      counted.forEach(function (i) { defs[i].mastery = info.mastery; });
    }
    reported = info.status;
    var index = 0;
    /* Resume from whatever saved data the LMS returns, whatever cmi.entry says: Open edX's
       SCORM XBlock answers "" and scormhost "ab-initio" while handing over the saved
       data; a conformant LMS returns none on a new attempt. */
    var resume = info.entry === "resume" || info.suspend || info.location;
    if (resume) decode(info.suspend);
    /* the bookmark's unit first: its pages are loaded now, the rest on demand */
    var u = resume ? Pages.unitOfLocation(info.location) : null;
    function ready() {
      if (u !== null) index = Math.max(0, Pages.pageOfLocation(info.location));
      if (core.opening) index = core.opening(index);   /* e.g. the cover (cp-screens.js) */
      opening = true;
      try { show(index, false); } finally { opening = false; }
      fire("begin", info);
      /* pagehide only: unload handlers are unreliable, and forbidden in some LMS frames */
      window.addEventListener("pagehide", function () { finish(); });
      Pages.painted(function () {
        persist();
        document.documentElement.setAttribute("data-cp-ready", lms.name);
      });
      /* the glossary and references screens, once the first page is up */
      Pages.ahead("extras");
    }
    core.begun.forEach(function (f) { f(); });
    if (refusedNotice) notice([$(".cp-notice").textContent, refusedNotice].filter(Boolean).join(" "));
    /* a feature may open the course on its first page (the cover): that unit too */
    var loaded = core.opening && u ? function () { Pages.load(0, ready, ready); } : ready;
    Pages.load(u === null ? 0 : u, loaded, function () { u = null; notice(t.load_failed); ready(); });
  }

  function standalone(message) {
    lms = new LMS.Standalone(data.id + ":" + data.version);
    notice(message);
    begin(lms.start());
  }

  /* An LMS may provide its API only after the content started: Open edX's SCORM XBlock
     defines it in a DOM-ready callback, after the content frame began loading (the SCO
     wins that race about 1 time in 3 on a fast link), and other LMSs inject it later
     still. A SCORM package looks again after these delays (ms), about 5 s in all, long
     enough for a slow page yet short enough not to leave the learner waiting, and then
     runs on its own and says so. */
  var API_WAIT = [100, 200, 300, 400, 500, 750, 750, 1000, 1000];

  function start() {
    var look = 0;
    var parts = $$(".cp-layout, .cp-footer");
    (function connect() {
      lms = LMS.connect(data);
      if (lms.name === "standalone" && LMS.waitsForAPI(data) && look < API_WAIT.length) {
        if (!look) {                      /* nothing to use or save yet: say why */
          notice(t.connecting);
          parts.forEach(function (el) { el.setAttribute("inert", ""); });
        }
        window.setTimeout(connect, API_WAIT[look++]);
        return;
      }
      if (look) {
        notice("");
        parts.forEach(function (el) { el.removeAttribute("inert"); });
      }
      run();
    })();
  }

  function run() {
    /* a save that works again takes away the save notice only, not another (load_failed) */
    lms.onstatus = function (ok) {
      if (!ok) notice(t.save_failed);
      else if ($(".cp-notice").textContent === t.save_failed) notice("");
    };
    lms.resave = persist;      /* adapters that retry a refused save call it */
    window.coursepack = { state: S, encode: encode, decode: decode, evaluate: evaluate, codec: codec,
                          finish: finish, show: show, shown: shown,
                          get lms() { return lms; } };
    if (lms.name === "standalone") { standalone(lms.quiet ? "" : t[lms.message] || t.standalone); return; }
    var tries = 0;
    (function attempt() {
      var started;
      try { started = lms.start(); } catch (e) { started = null; }
      Promise.resolve(started).then(function (result) {
        if (result) begin(result);
        /* an LMS may not be ready at once: the adapter says how often to try */
        else if (++tries < (lms.tries || 1)) window.setTimeout(attempt, 500);
        else standalone(t.save_failed);
      }, function () { standalone(t.save_failed); });
    })();
  }

  start();
})();

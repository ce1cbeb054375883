/* coursepack: the cover's Start/Resume button, the result screen's details (per module
 * and per learning objective) and the certificate of completion. A feature of the runtime
 * (coursepack.js gives it the course logic); packages carry it only when the course has a
 * cover or a certificate (builder/screens.py). The markup is partials/cover.html,
 * results.html and certificate.html. The result screen and the certificate are in the page
 * shell; the cover is on the course's first page, which may be put into the page later
 * (pages load per module), so its button is found when needed and its clicks are taken
 * by delegation.
 */
(window.CoursepackFeatures = window.CoursepackFeatures || []).push(function (core) {
  "use strict";

  var data = core.data, S = core.state, t = core.t, $ = core.$, $$ = core.$$, fmt = core.fmt;
  var P = data.pageCount;
  var learner = "";        /* the learner's name as the LMS gives it */
  /* the last page shown after the cover (at launch, the page the LMS resumes at): where
     Resume goes */
  var lastPage = 0;

  /* The learner's name in "First Last" order. SCORM 1.2 gives cmi.core.student_name as
     "Last, First" (RTE 3.4.4.2: "last name, first name"), and many LMSs write SCORM 2004's
     cmi.learner_name the same way; an xAPI actor's name is usually "First Last" already.
     A name with exactly one comma is turned around; anything else is shown as given. */
  function displayName(name) {
    var text = String(name || "").replace(/\s+/g, " ").trim();
    var parts = text.split(",");
    if (parts.length === 2 && parts[0].trim() && parts[1].trim()) return parts[1].trim() + " " + parts[0].trim();
    return text;
  }
  core.displayName = displayName;

  /* ------------------------------------------------------------ cover ----------- */

  var startLabel = null;

  function seenBeyondCover() {
    for (var p = 1; p < P; p++) if (S.visited[p]) return true;
    return false;
  }
  /* Start: the page after the cover. Resume: the page the learner was on last (at launch,
     the page the LMS resumed at), else the first page not seen yet. */
  function coverTarget() {
    if (!seenBeyondCover()) return Math.min(1, P - 1);
    if (lastPage > 0) return lastPage;
    for (var p = 1; p < P; p++) if (!S.visited[p]) return p;
    return Math.min(1, P - 1);
  }
  function updateCover() {
    var start = $(".cp-start");
    if (!start) return;
    if (startLabel === null) startLabel = start.textContent;
    start.textContent = seenBeyondCover() ? start.dataset.resume : startLabel;
    start.hidden = P < 2;
  }
  document.addEventListener("click", function (ev) {
    if (ev.target.closest && ev.target.closest(".cp-start")) core.show(coverTarget(), true);
  });
  if (data.cover) {
    /* A returning learner opens the course on the cover, whose Resume button takes them
       to the page they were on (without a cover the course opens at that page). */
    core.opening = function (index) {
      if (index > 0) lastPage = index;
      return 0;
    };
    /* On the cover, the bookmark stays the page Resume goes to: a learner who leaves
       from the cover comes back to the same place. */
    core.bookmark = function () { return S.page === 0 && seenBeyondCover() ? coverTarget() : S.page; };
  }
  /* the cover's page may be put into the page after start-up (pages load per module) */
  if (window.CP && window.CP.onContent) window.CP.onContent(function () { updateCover(); });

  /* ------------------------------------------------------------ results --------- */

  function cells(row, state, status, details) {
    var s = $(".cp-r-status", row);
    s.textContent = status;
    if (state) s.setAttribute("data-state", state); else s.removeAttribute("data-state");
    $(".cp-r-score", row).textContent = details;
  }

  function unitRow(row) {
    var i = +row.dataset.unit;
    var u = data.units[i];
    var k = -1;
    data.assessments.forEach(function (a, n) { if (a.unit === i) k = n; });
    if (k < 0) {
      var seen = 0;
      for (var p = u.first; p < u.first + u.count; p++) if (S.visited[p]) seen++;
      cells(row, seen === u.count ? "good" : "",
            seen === u.count ? t.results_done : seen ? t.results_in_progress : t.results_not_started,
            fmt(t.results_pages, { n: seen, total: u.count }));
      return;
    }
    var a = S.asmt[k];
    if (!a.n) { cells(row, "", a.sub ? t.results_done : S.visited[u.first] ? t.results_in_progress : t.results_not_started, ""); return; }
    if (a.score === null) { cells(row, "good", t.results_done, ""); return; }
    var pass = core.isPass(k, a.score);
    cells(row, pass ? "good" : "bad", pass ? t.results_passed : t.results_failed,
          fmt(t.results_score, { score: a.score }));
  }

  function objectiveRows() {
    var acc = core.objectiveScores();
    var mastery = data.tracking.mastery;
    $$("tr[data-objective]").forEach(function (row) {
      var x = acc[row.dataset.objective];
      if (!x || !x.total) { cells(row, "", t.results_not_assessed, ""); return; }
      var score = Math.round(100 * x.got / x.total);
      var met = mastery === null || score >= mastery;
      cells(row, met ? "good" : "bad", met ? t.results_met : t.results_not_met,
            fmt(t.results_score, { score: score }));
    });
  }

  /* ------------------------------------------------------------ certificate ----- */

  var cert = document.getElementById("cp-certificate");
  var nameField = cert && $(".cp-cert-name-field", cert);
  var nameInput = cert && $("input", cert);

  function today() {
    var d = new Date();
    try {
      return d.toLocaleDateString(data.language, { year: "numeric", month: "long", day: "numeric" });
    } catch (e) {
      return d.toISOString().slice(0, 10);
    }
  }

  function certificate(r) {
    if (!cert) return;
    var earned = r.status === "passed" || r.status === "completed";
    $$(".cp-cert-link").forEach(function (el) { el.hidden = !earned; });
    $(".cp-cert", cert).setAttribute("data-earned", earned ? "true" : "false");
    $(".cp-cert-locked", cert).hidden = earned;
    $(".cp-cert-body", cert).hidden = !earned;
    $(".cp-cert-print", cert).hidden = !earned;
    var name = displayName(learner);
    nameField.hidden = !earned || !!name;   /* no name from the LMS: the learner types it */
    $(".cp-cert-name", cert).textContent = name || displayName(nameInput.value);
    /* the date only on an earned certificate, and after this task: the first
       toLocaleDateString loads the calendar data of the language (100 ms and more on a
       slow machine), which held up the first page of every course with a certificate */
    if (earned) window.setTimeout(function () {
      $(".cp-cert-date", cert).textContent = fmt(t.certificate_date, { date: today() });
    }, 0);
    var score = r.judged && r.judged.score !== null && r.judged.score !== undefined ? r.judged.score : null;
    $(".cp-cert-score", cert).textContent = score === null ? "" : fmt(t.certificate_score, { score: score });
  }

  /* With no name from the LMS the learner types it. A launch without an LMS (the web
     package) keeps it in this browser, beside the progress (under the key of cp-lms.js's
     Standalone); an LMS launch has no place for it, and keeps it for the session. */
  function nameKey() {
    var lms = core.lms();
    return lms && lms.name === "standalone" && lms.key ? lms.key + ":name" : null;
  }
  function typedName(value) {
    var key = nameKey();
    try {
      if (key && value === undefined) return window.localStorage.getItem(key) || "";
      if (key && value) window.localStorage.setItem(key, value);
      else if (key) window.localStorage.removeItem(key);
    } catch (e) { /* storage off or full: the name stays for this session */ }
    return "";
  }

  if (cert) {
    nameInput.addEventListener("input", function () {
      $(".cp-cert-name", cert).textContent = displayName(nameInput.value);
      typedName(nameInput.value.trim());
    });
    $(".cp-cert-print", cert).addEventListener("click", function () { window.print(); });
  }

  /* ------------------------------------------------------------ hooks ----------- */

  var latest = null;
  core.on("begin", function (info) {
    learner = (info && info.learner) || "";
    if (cert && !displayName(learner)) nameInput.value = typedName();
    if (S.page > 0) lastPage = S.page;
    updateCover();
    if (latest) certificate(latest);
  });
  core.on("outcome", function (r) {
    latest = r;
    if (S.page > 0) lastPage = S.page;
    updateCover();
    $$("tr[data-unit]").forEach(unitRow);
    objectiveRows();
    certificate(r);
  });
});

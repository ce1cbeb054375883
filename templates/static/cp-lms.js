/* coursepack LMS adapters. Each adapter offers the same small interface, so the course
 * logic (coursepack.js) does not know which standard it runs under:
 *
 *   start() -> {entry, location, suspend, status, mode} or null when the LMS refuses
 *   save({location, suspend, status, score}) -> true when stored and committed
 *   interaction({id, type, objectives, pattern, response, result, weighting, latency})
 *   objective(id, score, status)
 *   finish(exit, seconds)
 *
 * SCORM 1.2 talks to the LMS's `API` object; Standalone keeps progress in localStorage
 * when no LMS is found.
 */
(function (root) {
  "use strict";

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

  function pad(n, width) { n = String(n); while (n.length < width) n = "0" + n; return n; }

  /* CMITimespan for SCORM 1.2: HHHH:MM:SS.SS */
  function timespan(seconds) {
    var cs = Math.max(0, Math.round(seconds * 100));
    var h = Math.min(9999, Math.floor(cs / 360000));
    return pad(h, 4) + ":" + pad(Math.floor(cs / 6000) % 60, 2) + ":" +
      pad(Math.floor(cs / 100) % 60, 2) + "." + pad(cs % 100, 2);
  }
  /* CMITime for SCORM 1.2: the time of day, HH:MM:SS */
  function clock(date) {
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
  }

  function Scorm12(api) {
    this.api = api;
    this.sent = {};
    this.ok = true;
    this.objectiveIndex = {};
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
  Scorm12.prototype.lastError = function () {
    try { return String(this.api.LMSGetLastError()); } catch (e) { return "101"; }
  };
  /* A count element the LMS supports: its value, or -1 when it answers with an error. */
  Scorm12.prototype.count = function (element) {
    var value = this.get(element);
    return this.lastError() === "0" && /^\d+$/.test(value) ? +value : -1;
  };
  /* Set a value unless the LMS already has it; failures are retried by the next save. */
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
    this.interactions = this.count("cmi.interactions._count") >= 0;
    var objectives = this.count("cmi.objectives._count");
    this.objectives = objectives >= 0;
    for (var n = 0; n < objectives; n++) this.objectiveIndex[this.get("cmi.objectives." + n + ".id")] = n;
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
  /* Interactions are write-only in SCORM 1.2: append at the index _count gives. */
  Scorm12.prototype.interaction = function (r) {
    if (!this.interactions) return;
    var n = this.count("cmi.interactions._count");
    if (n < 0) return;
    var p = "cmi.interactions." + n + ".";
    var self = this;
    function put(element, value) { if (!self.call("LMSSetValue", p + element, String(value))) self.ok = false; }
    put("id", r.id);
    (r.objectives || []).forEach(function (id, m) { put("objectives." + m + ".id", id); });
    put("time", clock(new Date()));
    put("type", r.type);
    if (r.pattern !== "") put("correct_responses.0.pattern", r.pattern);
    put("weighting", r.weighting);
    put("student_response", r.response);
    put("result", r.result);
    put("latency", timespan(r.latency));
  };
  Scorm12.prototype.objective = function (id, score, status) {
    if (!this.objectives) return;
    var n = this.objectiveIndex[id];
    if (n === undefined) {
      n = this.count("cmi.objectives._count");
      if (n < 0) return;
      this.objectiveIndex[id] = n;
      this.set("cmi.objectives." + n + ".id", id);
    }
    var p = "cmi.objectives." + n + ".";
    if (score !== null) {
      this.set(p + "score.raw", score);
      this.set(p + "score.min", 0);
      this.set(p + "score.max", 100);
    }
    this.set(p + "status", status);
  };
  Scorm12.prototype.finish = function (exit, seconds) {
    this.set("cmi.core.exit", exit);
    this.set("cmi.core.session_time", timespan(seconds));
    this.call("LMSCommit", "");       /* some LMSs refuse a commit while unloading: go on */
    return this.call("LMSFinish", "");
  };

  /* No LMS: keep progress in this browser. */
  function Standalone(key) {
    this.key = "coursepack:" + key;
    this.ok = true;
  }
  Standalone.prototype.name = "standalone";
  Standalone.prototype.start = function () {
    var saved = null;
    try { saved = JSON.parse(root.localStorage.getItem(this.key) || "null"); } catch (e) { saved = null; }
    saved = saved || {};
    return { entry: saved.suspend ? "resume" : "ab-initio", location: saved.location || "",
             suspend: saved.suspend || "", status: saved.status || "", mode: "normal" };
  };
  Standalone.prototype.save = function (s) {
    try { root.localStorage.setItem(this.key, JSON.stringify(s)); this.ok = true; } catch (e) { this.ok = false; }
    return this.ok;
  };
  Standalone.prototype.interaction = function () {};
  Standalone.prototype.objective = function () {};
  Standalone.prototype.finish = function () { return true; };

  /* The adapter for this launch: the LMS if one answers, else standalone. */
  function connect(key) {
    var api = findScorm12API(root);
    return api ? new Scorm12(api) : new Standalone(key);
  }

  root.CoursepackLMS = { connect: connect, Scorm12: Scorm12, Standalone: Standalone,
                         findScorm12API: findScorm12API, timespan: timespan, clock: clock };
})(window);

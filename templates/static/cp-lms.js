/* coursepack LMS adapters. Each adapter offers the same small interface, so the course
 * logic (coursepack.js) does not know which standard it runs under:
 *
 *   start() -> {entry, location, suspend, status, mode} (or a Promise of it), or null
 *              (null: the LMS did not start, or could not hand over what it holds; the
 *              course tries again twice, then goes on without it)
 *   save({location, suspend, status, score, viewed, progress, judgement}) -> true when stored
 *              (SCORM: what the LMS refused is set again at the next save)
 *   interaction({id, type, objectives, pattern, response, result, weighting, latency, q, answer})
 *   objective(id, score, status)
 *   finish(exit, seconds) -> false when the LMS did not finish or lacks a value (or a
 *              Promise of that)
 *
 * SCORM 1.2 talks to the LMS's `API`, SCORM 2004 to `API_1484_11`; Standalone keeps
 * progress in localStorage (no LMS found, or the plain web package). xAPI and cmi5 are in
 * cp-xapi.js.
 */
(function (root) {
  "use strict";

  /* Find an LMS API object by name: up the parent chain, then the opener's chain, then
     top.opener's. Every cross-window access may throw (cross-origin frames): skip it. */
  function findAPI(win, name, probe) {
    function climb(w) {
      for (var hops = 0; w && hops < 500; hops++) {
        try { if (w[name] && typeof w[name][probe] !== "undefined") return w[name]; } catch (e) { /* cross-origin */ }
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
  /* ISO 8601 duration with at most 2 decimals (SCORM 2004 timeinterval, xAPI): PT1H2M3.45S */
  function duration(seconds) {
    var cs = Math.max(0, Math.round(seconds * 100));
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + s + "S";
  }
  /* CMITime for SCORM 1.2: the time of day, HH:MM:SS */
  function clock(date) {
    return pad(date.getHours(), 2) + ":" + pad(date.getMinutes(), 2) + ":" + pad(date.getSeconds(), 2);
  }
  /* SCORM 2004 time(second,10,2): 2026-11-28T01:06:28.09Z */
  function stamp(date) { return date.toISOString().replace(/(\.\d\d)\dZ$/, "$1Z"); }
  function decimal(x) { return String(Math.round(x * 10000) / 10000); }

  /* What SCORM 1.2 and 2004 share: calling the API, caching what the LMS already has. */
  function Scorm(api, fn) {
    this.api = api;
    this.fn = fn;
    this.sent = {};
    this.failed = {};       /* element -> value the LMS refused, until it takes one */
    this.tried = {};        /* elements set since the last commit */
    this.ok = true;
    this.objectiveIndex = {};
  }
  Scorm.prototype.call = function (name, a, b) {
    var result;
    try { result = b === undefined ? this.api[this.fn[name]](a) : this.api[this.fn[name]](a, b); } catch (e) { result = false; }
    return String(result) === "true";
  };
  Scorm.prototype.get = function (element) {
    try { return String(this.api[this.fn.get](element) || ""); } catch (e) { return ""; }
  };
  Scorm.prototype.lastError = function () {
    try { return String(this.api[this.fn.error]()); } catch (e) { return "101"; }
  };
  /* A value the course will write back (bookmark, state, status): null when the LMS
     answers with an error, so that what it holds is never overwritten by a blank start.
     ``absent`` lists the error codes that only mean "no value yet". */
  Scorm.prototype.read = function (element, absent) {
    var value;
    try { value = this.api[this.fn.get](element); } catch (e) { return null; }
    var error = this.lastError();
    if (!(parseInt(error, 10) > 0)) return value === null || value === undefined ? "" : String(value);
    return absent && absent.indexOf(error) >= 0 ? "" : null;
  };
  /* A count element the LMS supports: its value, or -1 when it answers with an error. */
  Scorm.prototype.count = function (element) {
    var value = this.get(element);
    return this.lastError() === "0" && /^\d+$/.test(value) ? +value : -1;
  };
  /* Set a value unless the LMS already has it; failures are retried by the next save. */
  Scorm.prototype.set = function (element, value) {
    value = String(value);
    if (this.sent[element] === value) {
      delete this.failed[element];   /* back to what the LMS has: nothing to retry */
      return true;
    }
    this.tried[element] = true;
    var ok = this.call("set", element, value);
    if (ok) {
      this.sent[element] = value;
      delete this.failed[element];
    } else {
      this.ok = false;
      this.failed[element] = value;
    }
    return ok;
  };
  /* The last call of a session: true when the LMS finished and holds every value set. */
  Scorm.prototype.end = function () {
    var ok = this.call("finish", "");
    for (var element in this.failed) if (Object.prototype.hasOwnProperty.call(this.failed, element)) return false;
    return ok;
  };
  /* Write-once records (interactions): append at the index _count gives. */
  Scorm.prototype.append = function (base, fields) {
    var n = this.count(base + "._count");
    if (n < 0) return;
    var self = this;
    fields.forEach(function (f) {
      if (f[1] !== null && !self.call("set", base + "." + n + "." + f[0], String(f[1]))) self.ok = false;
    });
  };
  /* Commit, after setting again what the LMS refused before and no save has set since
     (an objective, the first status): then one commit stores everything. */
  Scorm.prototype.commit = function () {
    for (var element in this.failed) {
      if (Object.prototype.hasOwnProperty.call(this.failed, element) && !this.tried[element]) {
        this.set(element, this.failed[element]);
      }
    }
    this.tried = {};
    if (!this.call("commit", "")) this.ok = false;
    return this.ok;
  };
  Scorm.prototype.supports = function () {
    this.interactions = this.count("cmi.interactions._count") >= 0;
    var objectives = this.count("cmi.objectives._count");
    this.objectives = objectives >= 0;
    for (var n = 0; n < objectives; n++) this.objectiveIndex[this.get("cmi.objectives." + n + ".id")] = n;
  };
  /* The objective's index, adding it (id first) when the LMS does not have it yet. */
  Scorm.prototype.objectiveAt = function (id) {
    if (!this.objectives) return -1;
    var n = this.objectiveIndex[id];
    if (n === undefined) {
      n = this.count("cmi.objectives._count");
      if (n < 0) return -1;
      this.objectiveIndex[id] = n;
      this.set("cmi.objectives." + n + ".id", id);
    }
    return n;
  };

  /* SCORM 1.2 */
  function Scorm12(api) {
    Scorm.call(this, api, { init: "LMSInitialize", finish: "LMSFinish", get: "LMSGetValue",
                            set: "LMSSetValue", commit: "LMSCommit", error: "LMSGetLastError" });
  }
  Scorm12.prototype = Object.create(Scorm.prototype);
  Scorm12.prototype.name = "scorm12";
  Scorm12.prototype.start = function () {
    if (!this.initialized) {
      if (!this.call("init", "")) return null;
      this.initialized = true;
    }
    var location = this.read("cmi.core.lesson_location");
    var suspend = this.read("cmi.suspend_data");
    var status = this.read("cmi.core.lesson_status");
    if (location === null || suspend === null || status === null) return null;  /* try again */
    var info = {
      entry: this.get("cmi.core.entry"),
      location: location,
      suspend: suspend,
      status: status,
      mode: this.get("cmi.core.lesson_mode") || "normal"
    };
    this.sent["cmi.core.lesson_location"] = info.location;
    this.sent["cmi.suspend_data"] = info.suspend;
    this.sent["cmi.core.lesson_status"] = info.status;
    this.supports();
    if (/^(|not attempted|browsed)$/.test(info.status) && info.mode === "normal") {
      this.set("cmi.core.lesson_status", "incomplete");
      info.status = "incomplete";
    }
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
    return this.commit();
  };
  Scorm12.prototype.interaction = function (r) {
    if (!this.interactions) return;
    this.append("cmi.interactions", [["id", r.id]].concat(
      (r.objectives || []).map(function (id, m) { return ["objectives." + m + ".id", id]; }),
      [["time", clock(new Date())], ["type", r.type],
       ["correct_responses.0.pattern", r.pattern === "" ? null : r.pattern],
       ["weighting", r.weighting], ["student_response", r.response], ["result", r.result],
       ["latency", timespan(r.latency)]]));
  };
  Scorm12.prototype.objective = function (id, score, status) {
    var n = this.objectiveAt(id);
    if (n < 0) return;
    var p = "cmi.objectives." + n + ".";
    this.set(p + "score.raw", score);
    this.set(p + "score.min", 0);
    this.set(p + "score.max", 100);
    this.set(p + "status", status);
  };
  Scorm12.prototype.finish = function (exit, seconds) {
    this.set("cmi.core.exit", exit);
    this.set("cmi.core.session_time", timespan(seconds));
    this.call("commit", "");       /* some LMSs refuse a commit while unloading: go on */
    return this.end();             /* LMSFinish persists what was set */
  };

  /* SCORM 2004 4th Edition: completion and success are reported separately. */
  function Scorm2004(api) {
    Scorm.call(this, api, { init: "Initialize", finish: "Terminate", get: "GetValue",
                            set: "SetValue", commit: "Commit", error: "GetLastError" });
  }
  Scorm2004.prototype = Object.create(Scorm.prototype);
  Scorm2004.prototype.name = "scorm2004";
  Scorm2004.prototype.start = function () {
    if (!this.initialized) {
      if (!this.call("init", "")) return null;
      this.initialized = true;
    }
    var completion = this.read("cmi.completion_status");
    var success = this.read("cmi.success_status");
    var entry = this.get("cmi.entry");
    var resume = entry === "resume";   /* else location and suspend_data are not set (403) */
    var location = resume ? this.read("cmi.location", ["403"]) : "";
    var suspend = resume ? this.read("cmi.suspend_data", ["403"]) : "";
    if ([completion, success, location, suspend].indexOf(null) >= 0) return null;  /* try again */
    var info = {
      entry: entry,
      location: location,
      suspend: suspend,
      status: success === "passed" || success === "failed" ? success :
        completion === "completed" ? "completed" : completion === "incomplete" ? "incomplete" : "",
      mode: this.get("cmi.mode") || "normal"
    };
    this.sent["cmi.location"] = info.location;
    this.sent["cmi.suspend_data"] = info.suspend;
    this.sent["cmi.completion_status"] = completion;
    this.sent["cmi.success_status"] = success;
    this.supports();
    if (/^(|not attempted|unknown)$/.test(completion) && info.mode === "normal") {
      this.set("cmi.completion_status", "incomplete");
    }
    return info;
  };
  Scorm2004.prototype.save = function (s) {
    this.ok = true;
    this.set("cmi.location", s.location);
    this.set("cmi.suspend_data", s.suspend);
    if (s.status !== "") {          /* "" means: review mode, or never move backwards */
      this.set("cmi.progress_measure", decimal(s.progress));
      this.set("cmi.completion_status", s.viewed ? "completed" : "incomplete");
      var j = s.judgement;
      if (j) {
        this.set("cmi.score.scaled", decimal(j.score / 100));
        this.set("cmi.score.raw", j.score);
        this.set("cmi.score.min", 0);
        this.set("cmi.score.max", 100);
        if (j.passed !== null) this.set("cmi.success_status", j.passed ? "passed" : "failed");
      }
    }
    return this.commit();
  };
  Scorm2004.prototype.interaction = function (r) {
    if (!this.interactions || !r.q) return;
    var patterns = r.q.patterns || [];
    this.append("cmi.interactions", [["id", r.id], ["type", r.type]].concat(
      (r.objectives || []).map(function (id, m) { return ["objectives." + m + ".id", id]; }),
      [["timestamp", stamp(new Date())]],
      patterns.map(function (p, m) { return ["correct_responses." + m + ".pattern", p]; }),
      [["weighting", r.weighting],
       ["learner_response", root.CoursepackQuestions.response2004(r.q, r.answer)],
       ["result", r.result === "wrong" ? "incorrect" : r.result],
       ["latency", duration(r.latency)],
       ["description", r.q.description ? r.q.description : null]]));
  };
  Scorm2004.prototype.objective = function (id, score, status) {
    var n = this.objectiveAt(id);
    if (n < 0) return;
    var p = "cmi.objectives." + n + ".";
    this.set(p + "score.scaled", decimal(score / 100));
    this.set(p + "score.raw", score);
    this.set(p + "score.min", 0);
    this.set(p + "score.max", 100);
    this.set(p + "success_status", status === "completed" ? "unknown" : status);
    this.set(p + "completion_status", "completed");
  };
  Scorm2004.prototype.finish = function (exit, seconds) {
    this.set("cmi.exit", exit === "suspend" ? "suspend" : "normal");
    this.set("cmi.session_time", duration(seconds));
    this.call("commit", "");
    return this.end();
  };

  /* No LMS: keep progress in this browser. */
  function Standalone(key, quiet) {
    this.key = "coursepack:" + key;
    this.ok = true;
    this.quiet = !!quiet;
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
    try {
      root.localStorage.setItem(this.key, JSON.stringify({ location: s.location, suspend: s.suspend, status: s.status }));
      this.ok = true;
    } catch (e) { this.ok = false; }
    return this.ok;
  };
  Standalone.prototype.interaction = function () {};
  Standalone.prototype.objective = function () {};
  Standalone.prototype.finish = function () { return true; };

  /* The adapter for this launch: the package's standard if its LMS answers, else standalone. */
  function connect(data) {
    var api = null;
    if (data.target === "scorm12") api = findAPI(root, "API", "LMSInitialize");
    if (api) return new Scorm12(api);
    if (data.target === "scorm2004") api = findAPI(root, "API_1484_11", "Initialize");
    if (api) return new Scorm2004(api);
    return new Standalone(data.id + ":" + data.version, data.target === "web");
  }

  root.CoursepackLMS = { connect: connect, Scorm12: Scorm12, Scorm2004: Scorm2004,
                         Standalone: Standalone, findAPI: findAPI, timespan: timespan,
                         duration: duration, clock: clock };
})(window);

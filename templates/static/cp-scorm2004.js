/* coursepack SCORM 2004 4th Edition adapter (needs cp-lms.js and cp-scorm.js). */
(function (root) {
  "use strict";

  var Scorm = root.CoursepackSCORM.Scorm;
  var duration = root.CoursepackLMS.duration;

  /* SCORM 2004 time(second,10,2): 2026-11-28T01:06:28.09Z */
  function stamp(date) { return date.toISOString().replace(/(\.\d\d)\dZ$/, "$1Z"); }
  function decimal(x) { return String(Math.round(x * 10000) / 10000); }

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
    /* Read whatever entry says: the course resumes from saved data the LMS returns
       (coursepack.js). Open edX's SCORM XBlock answers "" for cmi.entry and scormhost
       "ab-initio" while both return the saved data; a conformant LMS returns none on a
       new attempt (403: not initialized). */
    var location = this.read("cmi.location", ["403"]);
    var suspend = this.read("cmi.suspend_data", ["403"]);
    if ([completion, success, location, suspend].indexOf(null) >= 0) return null;  /* try again */
    var info = {
      entry: entry,
      location: location,
      suspend: suspend,
      status: success === "passed" || success === "failed" ? success :
        completion === "completed" ? "completed" : completion === "incomplete" ? "incomplete" : "",
      mode: this.get("cmi.mode") || "normal",
      score: /^\d+(\.\d+)?$/.test(this.get("cmi.score.raw")) ? +this.get("cmi.score.raw") : null,
      learner: this.get("cmi.learner_name")
    };
    this.sent["cmi.location"] = info.location;
    this.sent["cmi.suspend_data"] = info.suspend;
    this.sent["cmi.completion_status"] = completion;
    this.sent["cmi.success_status"] = success;
    this.supports();
    /* No status here: the course's first save writes the real one (see cp-scorm12.js). */
    return info;
  };
  Scorm2004.prototype.save = function (s) {
    this.ok = true;
    /* the time so far, first: see finish() */
    if (s.seconds !== undefined) this.set("cmi.session_time", duration(s.seconds));
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
    if (!r.q) return;
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
  /* Session time first, and written at every save too (see cp-scorm12.js): SCORM 2004
     RTE 4.2.21: the LMS accumulates the last value set into total_time at Terminate. */
  Scorm2004.prototype.finish = function (exit, seconds) {
    this.set("cmi.session_time", duration(seconds));
    this.set("cmi.exit", exit === "suspend" ? "suspend" : "normal");
    this.call("commit", "");
    return this.end();
  };

  root.CoursepackLMS.waiting.scorm2004 = true;
  root.CoursepackLMS.connectors.push(function (data) {
    var api = data.target === "scorm2004" && root.CoursepackSCORM.findAPI(root, "API_1484_11", "Initialize");
    return api ? new Scorm2004(api) : null;
  });
  root.CoursepackLMS.Scorm2004 = Scorm2004;
})(window);

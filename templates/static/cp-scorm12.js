/* coursepack SCORM 1.2 adapter (needs cp-lms.js and cp-scorm.js). */
(function (root) {
  "use strict";

  var Scorm = root.CoursepackSCORM.Scorm;
  var Q = root.CoursepackQuestions;

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
      mode: this.get("cmi.core.lesson_mode") || "normal",
      score: /^\d+(\.\d+)?$/.test(this.get("cmi.core.score.raw")) ? +this.get("cmi.core.score.raw") : null,
      learner: this.get("cmi.core.student_name")   /* "Last, First" (SCORM 1.2 RTE 3.4.4) */
    };
    this.sent["cmi.core.lesson_location"] = info.location;
    this.sent["cmi.suspend_data"] = info.suspend;
    this.sent["cmi.core.lesson_status"] = info.status;
    this.supports();
    /* No status is written here: the course's first save writes the real one, from its
       resume state. Writing "incomplete" first regressed a finished course for a moment
       (for good, if the page closed) in an LMS that reads the status back as "" (Open
       edX's SCORM XBlock). */
    return info;
  };
  Scorm12.prototype.save = function (s) {
    this.ok = true;
    /* the time so far, first: see finish() */
    if (s.seconds !== undefined) this.set("cmi.core.session_time", timespan(s.seconds));
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
    this.append("cmi.interactions", [["id", r.id]].concat(
      (r.objectives || []).map(function (id, m) { return ["objectives." + m + ".id", id]; }),
      [["time", clock(new Date())], ["type", r.type],
       ["correct_responses.0.pattern", r.pattern === "" ? null : r.pattern],
       ["weighting", r.weighting], ["student_response", Q.response12(r.q, r.answer)],
       ["result", r.result],
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
  /* Session time first: an LMS may carry out only the first call made while the page
     unloads (Open edX's SCORM XBlock sends one request at once and queues the rest behind
     its answer, which never comes). Every save also writes the time so far, so a lost
     finish loses only the seconds since the last save; SCORM 1.2 (RTE 3.4.4) lets a SCO
     set session_time more than once and the LMS uses the last value at LMSFinish. */
  Scorm12.prototype.finish = function (exit, seconds) {
    this.set("cmi.core.session_time", timespan(seconds));
    this.set("cmi.core.exit", exit);
    this.call("commit", "");       /* some LMSs refuse a commit while unloading: go on */
    return this.end();             /* LMSFinish persists what was set */
  };

  root.CoursepackLMS.waiting.scorm12 = true;
  root.CoursepackLMS.connectors.push(function (data) {
    var api = data.target === "scorm12" && root.CoursepackSCORM.findAPI(root, "API", "LMSInitialize");
    return api ? new Scorm12(api) : null;
  });
  root.CoursepackLMS.Scorm12 = Scorm12;
  root.CoursepackLMS.timespan = timespan;
})(window);

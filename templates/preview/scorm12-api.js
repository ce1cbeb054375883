/* A SCORM 1.2 LMS API for coursepack preview, strict about the data model.
 *
 * Every call is checked against the SCORM 1.2 RTE data model: element names, read and
 * write access, vocabularies, formats and lengths, and answers with the standard's error
 * codes. Calls and results go to `onCall` so the preview page can show them. The learner's
 * data is kept in localStorage, so "exit and relaunch" resumes like a real LMS would
 * (scorm-session.js, shared with scorm2004-api.js; load it first).
 */
(function (root) {
  "use strict";

  var ERRORS = {
    "0": "No error", "101": "General exception", "201": "Invalid argument error",
    "202": "Element cannot have children", "203": "Element not an array - cannot have count",
    "301": "Not initialized", "401": "Not implemented error",
    "402": "Invalid set value, element is a keyword", "403": "Element is read only",
    "404": "Element is write only", "405": "Incorrect data type"
  };

  /* Value checks (SCORM 1.2 RTE 3.4.2 data types). Each returns true when valid. */
  function max(n) { return function (v) { return v.length <= n; }; }
  function vocab(words) { return function (v) { return words.indexOf(v) >= 0; }; }
  function regex(re) { return function (v) { return re.test(v); }; }
  function decimalIn(lo, hi, blank) {
    return function (v) {
      if (blank && v === "") return true;
      if (!/^-?\d+(\.\d+)?$/.test(v)) return false;
      var x = parseFloat(v);
      return x >= lo && x <= hi;
    };
  }
  function intIn(lo, hi) { return function (v) { return /^-?\d+$/.test(v) && +v >= lo && +v <= hi; }; }
  var identifier = regex(/^[\u0021-\u007E]{1,255}$/);
  var timespan = regex(/^\d{2,4}:[0-5]\d:[0-5]\d(\.\d{1,2})?$/);
  var time = regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,2})?$/);
  var STATUS = ["passed", "completed", "failed", "incomplete", "browsed", "not attempted"];

  /* The data model: access (r, w, rw) and the check for values written. Array elements
     are written with "n" (and "m") in place of indexes. */
  var MODEL = {
    "cmi._version": "r",
    "cmi.core._children": "r",
    "cmi.core.student_id": "r",
    "cmi.core.student_name": "r",
    "cmi.core.lesson_location": ["rw", max(255)],
    "cmi.core.credit": "r",
    "cmi.core.lesson_status": ["rw", vocab(STATUS.slice(0, 5))],
    "cmi.core.entry": "r",
    "cmi.core.score._children": "r",
    "cmi.core.score.raw": ["rw", decimalIn(0, 100, true)],
    "cmi.core.score.min": ["rw", decimalIn(0, 100, true)],
    "cmi.core.score.max": ["rw", decimalIn(0, 100, true)],
    "cmi.core.total_time": "r",
    "cmi.core.lesson_mode": "r",
    "cmi.core.exit": ["w", vocab(["time-out", "suspend", "logout", ""])],
    "cmi.core.session_time": ["w", timespan],
    "cmi.suspend_data": ["rw", max(4096)],
    "cmi.launch_data": "r",
    "cmi.comments": ["rw", max(4096)],
    "cmi.comments_from_lms": "r",
    "cmi.objectives._children": "r",
    "cmi.objectives._count": "r",
    "cmi.objectives.n.id": ["rw", identifier],
    "cmi.objectives.n.score._children": "r",
    "cmi.objectives.n.score.raw": ["rw", decimalIn(0, 100, true)],
    "cmi.objectives.n.score.min": ["rw", decimalIn(0, 100, true)],
    "cmi.objectives.n.score.max": ["rw", decimalIn(0, 100, true)],
    "cmi.objectives.n.status": ["rw", vocab(STATUS)],
    "cmi.student_data._children": "r",
    "cmi.student_data.mastery_score": "r",
    "cmi.student_data.max_time_allowed": "r",
    "cmi.student_data.time_limit_action": "r",
    "cmi.student_preference._children": "r",
    "cmi.student_preference.audio": ["rw", intIn(-1, 100)],
    "cmi.student_preference.language": ["rw", max(255)],
    "cmi.student_preference.speed": ["rw", intIn(-100, 100)],
    "cmi.student_preference.text": ["rw", intIn(-1, 1)],
    "cmi.interactions._children": "r",
    "cmi.interactions._count": "r",
    "cmi.interactions.n.id": ["w", identifier],
    "cmi.interactions.n.objectives._count": "r",
    "cmi.interactions.n.objectives.m.id": ["w", identifier],
    "cmi.interactions.n.time": ["w", time],
    "cmi.interactions.n.type": ["w", vocab(["true-false", "choice", "fill-in", "matching",
                                             "performance", "sequencing", "likert", "numeric"])],
    "cmi.interactions.n.correct_responses._count": "r",
    "cmi.interactions.n.correct_responses.m.pattern": ["w", max(255)],
    "cmi.interactions.n.weighting": ["w", regex(/^-?\d+(\.\d+)?$/)],
    "cmi.interactions.n.student_response": ["w", max(255)],
    "cmi.interactions.n.result": ["w", function (v) {
      return ["correct", "wrong", "unanticipated", "neutral"].indexOf(v) >= 0 || /^-?\d+(\.\d+)?$/.test(v);
    }],
    "cmi.interactions.n.latency": ["w", timespan]
  };
  var CHILDREN = {
    "cmi.core": "student_id,student_name,lesson_location,credit,lesson_status,entry,score,total_time,lesson_mode,exit,session_time",
    "cmi.core.score": "raw,min,max",
    "cmi.objectives": "id,score,status",
    "cmi.objectives.n.score": "raw,min,max",
    "cmi.student_data": "mastery_score,max_time_allowed,time_limit_action",
    "cmi.student_preference": "audio,language,speed,text",
    "cmi.interactions": "id,objectives,time,type,correct_responses,weighting,student_response,result,latency"
  };
  var ARRAYS = ["cmi.objectives", "cmi.interactions", "cmi.interactions.n.objectives",
                "cmi.interactions.n.correct_responses"];

  var parse = root.CoursepackScormSession.parse;

  function addTimespans(a, b) {
    function secs(t) { var p = t.split(":"); return (+p[0]) * 3600 + (+p[1]) * 60 + parseFloat(p[2]); }
    var total = secs(a || "0000:00:00") + secs(b || "0000:00:00");
    function pad(n, w) { n = String(n); while (n.length < w) n = "0" + n; return n; }
    var cs = Math.round(total * 100);
    return pad(Math.floor(cs / 360000), 4) + ":" + pad(Math.floor(cs / 6000) % 60, 2) + ":" +
      pad(Math.floor(cs / 100) % 60, 2) + "." + pad(cs % 100, 2);
  }

  function PreviewAPI(options) {
    this.setup(options);           /* state: new -> running -> finished */
  }
  root.CoursepackScormSession.session(PreviewAPI, {
    key: "coursepack-preview",
    fresh: function () {
      return { values: {}, exit: "", total: "0000:00:00.00", status: "not attempted" };
    },
    lmsOwned: /^cmi\.core\.(entry|credit|lesson_mode|total_time|student_id|student_name|session_time|exit)$/,
    exit: "cmi.core.exit",
    sessionTime: "cmi.core.session_time",
    addTime: addTimespans
  });
  PreviewAPI.prototype.fail = function (code) { this.error = String(code); return code; };

  PreviewAPI.prototype.LMSInitialize = function (arg) {
    this.error = "0";
    if (arg !== "") { this.fail(201); return this.record("LMSInitialize", [arg], "false"); }
    if (this.state !== "new") { this.fail(101); return this.record("LMSInitialize", [arg], "false"); }
    var s = this.stored;
    this.values = JSON.parse(JSON.stringify(s.values));
    this.values["cmi.core.entry"] = s.exit === "suspend" ? "resume" : (s.started ? "" : "ab-initio");
    if (s.exit !== "suspend" && s.started) {     /* a new attempt: fresh data */
      this.values = {};
      this.values["cmi.core.entry"] = "ab-initio";
    }
    this.values["cmi.core.lesson_status"] = this.values["cmi.core.lesson_status"] || "not attempted";
    this.values["cmi.core.credit"] = this.settings.credit;
    this.values["cmi.core.lesson_mode"] = this.settings.mode;
    this.values["cmi.core.total_time"] = s.total;
    this.values["cmi.student_data.mastery_score"] = this.settings.masteryScore;
    this.values["cmi.core.student_id"] = "preview-learner";
    this.values["cmi.core.student_name"] = "Learner, Preview";
    this.counts = { "cmi.objectives": this.countOf("cmi.objectives"), "cmi.interactions": 0 };
    this.state = "running";
    return this.record("LMSInitialize", [arg], "true");
  };
  PreviewAPI.prototype.guard = function () {
    if (this.state !== "running") { this.fail(301); return false; }
    return true;
  };

  PreviewAPI.prototype.LMSGetValue = function (element) {
    this.error = "0";
    var result = this.get(String(element));
    return this.record("LMSGetValue", [element], result);
  };
  PreviewAPI.prototype.get = function (element) {
    if (!this.guard()) return "";
    if (element === "") { this.fail(201); return ""; }
    var p = parse(element);
    var last = p.pattern.split(".").pop();
    if (last === "_children") {
      var parent = p.pattern.slice(0, -10);
      if (CHILDREN[parent]) return CHILDREN[parent];
      this.fail(MODEL[p.pattern] ? 202 : 401); return "";
    }
    if (last === "_count") {
      var arr = p.pattern.slice(0, -7);
      if (ARRAYS.indexOf(arr) < 0) { this.fail(MODEL[p.pattern] ? 203 : 401); return ""; }
      if (arr === "cmi.objectives" || arr === "cmi.interactions") return String(this.counts[arr]);
      var prefix = element.slice(0, -7);
      var n = 0;
      while ((prefix + "." + n + (arr.indexOf("objectives") > 0 ? ".id" : ".pattern")) in this.written()) n++;
      return String(n);
    }
    var def = MODEL[p.pattern];
    if (!def) { this.fail(401); return ""; }
    var access = typeof def === "string" ? def : def[0];
    if (access === "w") { this.fail(404); return ""; }
    if (element === "cmi._version") return "3.4";
    return this.values[element] !== undefined ? String(this.values[element]) : "";
  };
  PreviewAPI.prototype.written = function () { return this.values; };

  PreviewAPI.prototype.LMSSetValue = function (element, value) {
    this.error = "0";
    var ok = this.set(String(element), value);
    return this.record("LMSSetValue", [element, value], ok ? "true" : "false");
  };
  PreviewAPI.prototype.set = function (element, value) {
    if (!this.guard()) return false;
    if (typeof value !== "string") value = String(value);
    var p = parse(element);
    var last = p.pattern.split(".").pop();
    if (last === "_children" || last === "_count") { this.fail(402); return false; }
    var def = MODEL[p.pattern];
    if (!def) { this.fail(401); return false; }
    var access = typeof def === "string" ? def : def[0];
    if (access === "r") { this.fail(403); return false; }
    if (!def[1](value)) { this.fail(405); return false; }
    /* arrays are filled in order: an index may be at most the current count */
    var top = p.pattern.indexOf("cmi.interactions") === 0 ? "cmi.interactions" :
      p.pattern.indexOf("cmi.objectives") === 0 ? "cmi.objectives" : null;
    if (top) {
      var n = p.indexes[0];
      if (n > this.counts[top]) { this.fail(201); return false; }
      if (n === this.counts[top]) {
        if (!/\.id$/.test(p.pattern) || p.indexes.length > 1) { this.fail(201); return false; }
        this.counts[top] += 1;
      }
    }
    this.values[element] = value;
    return true;
  };

  PreviewAPI.prototype.LMSCommit = function (arg) {
    this.error = "0";
    if (arg !== "") { this.fail(201); return this.record("LMSCommit", [arg], "false"); }
    if (!this.guard()) return this.record("LMSCommit", [arg], "false");
    this.save(false);
    return this.record("LMSCommit", [arg], "true");
  };
  PreviewAPI.prototype.LMSFinish = function (arg) {
    this.error = "0";
    if (arg !== "") { this.fail(201); return this.record("LMSFinish", [arg], "false"); }
    if (!this.guard()) return this.record("LMSFinish", [arg], "false");
    this.save(true);
    this.state = "finished";
    return this.record("LMSFinish", [arg], "true");
  };
  PreviewAPI.prototype.LMSGetLastError = function () { return this.error; };
  PreviewAPI.prototype.LMSGetErrorString = function (code) { return ERRORS[String(code)] || ""; };
  PreviewAPI.prototype.LMSGetDiagnostic = function (code) {
    return ERRORS[String(code === "" ? this.error : code)] || "";
  };

  root.CoursepackPreviewAPI = PreviewAPI;
})(window);

/* A SCORM 2004 4th Edition LMS API (API_1484_11) for `coursepack play`, strict about the
 * data model, like scorm12-api.js for SCORM 1.2.
 *
 * Every call is checked against the SCORM 2004 RTE data model (RTE 4.2): element names,
 * read and write access, vocabularies, formats and lengths, the session state machine
 * (RTE 3.1.7), and answers with the standard's error codes. Calls and results go to
 * `onCall`. The learner's data is kept in localStorage, so leaving and relaunching
 * resumes (entry "resume" after exit "suspend") like a real LMS (scorm-session.js,
 * shared with scorm12-api.js; load it first).
 */
(function (root) {
  "use strict";

  var ERRORS = {
    "0": "No Error", "101": "General Exception", "102": "General Initialization Failure",
    "103": "Already Initialized", "104": "Content Instance Terminated",
    "111": "General Termination Failure", "112": "Termination Before Initialization",
    "113": "Termination After Termination", "122": "Retrieve Data Before Initialization",
    "123": "Retrieve Data After Termination", "132": "Store Data Before Initialization",
    "133": "Store Data After Termination", "142": "Commit Before Initialization",
    "143": "Commit After Termination", "201": "General Argument Error",
    "301": "General Get Failure", "351": "General Set Failure", "391": "General Commit Failure",
    "401": "Undefined Data Model Element", "402": "Unimplemented Data Model Element",
    "403": "Data Model Element Value Not Initialized", "404": "Data Model Element Is Read Only",
    "405": "Data Model Element Is Write Only", "406": "Data Model Element Type Mismatch",
    "407": "Data Model Element Value Out Of Range", "408": "Data Model Dependency Not Established"
  };

  /* Value checks (RTE 4.1.1 data types). Each returns 0 when valid, else an error code. */
  function str(n) { return function (v) { return v.length <= n ? 0 : 406; }; }
  function vocab(words) { return function (v) { return words.indexOf(v) >= 0 ? 0 : 406; }; }
  function real(lo, hi) {
    return function (v) {
      if (!/^-?\d+(\.\d+)?$/.test(v)) return 406;
      var x = parseFloat(v);
      return (lo !== null && x < lo) || (hi !== null && x > hi) ? 407 : 0;
    };
  }
  var uri = function (v) { return /^\S{1,4000}$/.test(v) ? 0 : 406; };
  var duration = function (v) {
    return /^P(?!$)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d{1,2})?S)?)?$/.test(v) ? 0 : 406;
  };
  var stamp = function (v) {
    return /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d{1,2})?)?)?(Z|[+-]\d{2}(:\d{2})?)?)?)?)?$/.test(v) ? 0 : 406;
  };
  var COMPLETION = ["completed", "incomplete", "not attempted", "unknown"];
  var SUCCESS = ["passed", "failed", "unknown"];
  var TYPES = ["true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
               "sequencing", "likert", "numeric", "other"];
  var RESULT = function (v) {
    return ["correct", "incorrect", "unanticipated", "neutral"].indexOf(v) >= 0 ||
      /^-?\d+(\.\d+)?$/.test(v) ? 0 : 406;
  };

  var MODEL = {
    "cmi._version": "r", "cmi.comments_from_learner._children": "r",
    "cmi.comments_from_learner._count": "r", "cmi.comments_from_lms._children": "r",
    "cmi.comments_from_lms._count": "r",
    "cmi.completion_status": ["rw", vocab(COMPLETION)],
    "cmi.completion_threshold": "r", "cmi.credit": "r", "cmi.entry": "r",
    "cmi.exit": ["w", vocab(["time-out", "suspend", "logout", "normal", ""])],
    "cmi.interactions._children": "r", "cmi.interactions._count": "r",
    "cmi.interactions.n.id": ["rw", uri],
    "cmi.interactions.n.type": ["rw", vocab(TYPES)],
    "cmi.interactions.n.objectives._count": "r",
    "cmi.interactions.n.objectives.m.id": ["rw", uri],
    "cmi.interactions.n.timestamp": ["rw", stamp],
    "cmi.interactions.n.correct_responses._count": "r",
    "cmi.interactions.n.correct_responses.m.pattern": ["rw", str(4000)],
    "cmi.interactions.n.weighting": ["rw", real(null, null)],
    "cmi.interactions.n.learner_response": ["rw", str(4000)],
    "cmi.interactions.n.result": ["rw", RESULT],
    "cmi.interactions.n.latency": ["rw", duration],
    "cmi.interactions.n.description": ["rw", str(250)],
    "cmi.launch_data": "r", "cmi.learner_id": "r", "cmi.learner_name": "r",
    "cmi.learner_preference._children": "r",
    "cmi.learner_preference.audio_level": ["rw", real(0, null)],
    "cmi.learner_preference.language": ["rw", str(250)],
    "cmi.learner_preference.delivery_speed": ["rw", real(0, null)],
    "cmi.learner_preference.audio_captioning": ["rw", vocab(["-1", "0", "1"])],
    "cmi.location": ["rw", str(1000)],
    "cmi.max_time_allowed": "r", "cmi.mode": "r",
    "cmi.objectives._children": "r", "cmi.objectives._count": "r",
    "cmi.objectives.n.id": ["rw", uri],
    "cmi.objectives.n.score._children": "r",
    "cmi.objectives.n.score.scaled": ["rw", real(-1, 1)],
    "cmi.objectives.n.score.raw": ["rw", real(null, null)],
    "cmi.objectives.n.score.min": ["rw", real(null, null)],
    "cmi.objectives.n.score.max": ["rw", real(null, null)],
    "cmi.objectives.n.success_status": ["rw", vocab(SUCCESS)],
    "cmi.objectives.n.completion_status": ["rw", vocab(COMPLETION)],
    "cmi.objectives.n.progress_measure": ["rw", real(0, 1)],
    "cmi.objectives.n.description": ["rw", str(250)],
    "cmi.progress_measure": ["rw", real(0, 1)],
    "cmi.scaled_passing_score": "r",
    "cmi.score._children": "r",
    "cmi.score.scaled": ["rw", real(-1, 1)],
    "cmi.score.raw": ["rw", real(null, null)],
    "cmi.score.min": ["rw", real(null, null)],
    "cmi.score.max": ["rw", real(null, null)],
    "cmi.session_time": ["w", duration],
    "cmi.success_status": ["rw", vocab(SUCCESS)],
    "cmi.suspend_data": ["rw", str(64000)],
    "cmi.time_limit_action": "r", "cmi.total_time": "r",
    "adl.nav.request": ["rw", function (v) {
      return /^(\{target=[^}]+\})?(continue|previous|choice|jump|exit|exitAll|abandon|abandonAll|suspendAll|_none_)$/.test(v) ? 0 : 406;
    }]
  };
  var CHILDREN = {
    "cmi.comments_from_learner": "comment,location,timestamp",
    "cmi.comments_from_lms": "comment,location,timestamp",
    "cmi.interactions": "id,type,objectives,timestamp,correct_responses,weighting,learner_response,result,latency,description",
    "cmi.learner_preference": "audio_level,language,delivery_speed,audio_captioning",
    "cmi.objectives": "id,score,success_status,completion_status,progress_measure,description",
    "cmi.objectives.n.score": "scaled,raw,min,max",
    "cmi.score": "scaled,raw,min,max"
  };
  /* read-only elements the LMS leaves uninitialised unless the manifest or learner set them */
  var LMS_SET = ["cmi.credit", "cmi.entry", "cmi.mode", "cmi.learner_id", "cmi.learner_name",
                 "cmi.total_time", "cmi.completion_status", "cmi.success_status"];

  var parse = root.CoursepackScormSession.parse;

  /* ISO 8601 durations, added (only the parts SCORM content writes: D, H, M, S). */
  function seconds(d) {
    var m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?$/.exec(d || "");
    if (!m) return 0;
    return (+(m[1] || 0)) * 31536000 + (+(m[2] || 0)) * 2592000 + (+(m[3] || 0)) * 86400 +
      (+(m[4] || 0)) * 3600 + (+(m[5] || 0)) * 60 + parseFloat(m[6] || 0);
  }
  function asDuration(s) {
    var cs = Math.round(s * 100);
    var h = Math.floor(cs / 360000), mi = Math.floor(cs / 6000) % 60, sec = (cs % 6000) / 100;
    return "PT" + h + "H" + mi + "M" + sec + "S";
  }

  function Scorm2004API(options) {
    this.setup(options);            /* state: new -> running -> terminated */
  }
  root.CoursepackScormSession.session(Scorm2004API, {
    key: "coursepack-play-2004",
    fresh: function () { return { values: {}, exit: "", total: 0 }; },
    lmsOwned: /^cmi\.(entry|credit|mode|total_time|learner_id|learner_name|session_time|exit|scaled_passing_score)$/,
    exit: "cmi.exit",
    sessionTime: "cmi.session_time",
    addTime: function (total, session) { return (total || 0) + seconds(session); }
  });
  var P = Scorm2004API.prototype;
  P.fail = function (code) { this.error = String(code); return false; };

  P.Initialize = function (arg) {
    this.error = "0";
    if (arg !== "") this.fail(201);
    else if (this.state === "running") this.fail(103);
    else if (this.state === "terminated") this.fail(104);
    if (this.error !== "0") return this.record("Initialize", [arg], "false");
    var s = this.stored;
    var resume = s.exit === "suspend";
    this.values = resume ? JSON.parse(JSON.stringify(s.values)) : {};
    if (!resume && s.started) s.total = 0;       /* a new attempt */
    var v = this.values;
    v["cmi.entry"] = resume ? "resume" : (s.started ? "" : "ab-initio");
    v["cmi.completion_status"] = v["cmi.completion_status"] || "unknown";
    v["cmi.success_status"] = v["cmi.success_status"] || "unknown";
    v["cmi.credit"] = this.settings.credit;
    v["cmi.mode"] = this.settings.mode;
    v["cmi.total_time"] = asDuration(s.total || 0);
    v["cmi.learner_id"] = "play-learner";
    v["cmi.learner_name"] = "Learner, Play";
    if (this.settings.masteryScore !== "") {
      v["cmi.scaled_passing_score"] = String(+this.settings.masteryScore / 100);
    }
    this.counts = { "cmi.objectives": this.countOf("cmi.objectives"),
                    "cmi.interactions": this.countOf("cmi.interactions") };
    this.state = "running";
    return this.record("Initialize", [arg], "true");
  };
  P.guard = function (before, after) {
    if (this.state === "new") return this.fail(before);
    if (this.state === "terminated") return this.fail(after);
    return true;
  };

  P.GetValue = function (element) {
    this.error = "0";
    return this.record("GetValue", [element], this.get(String(element)));
  };
  P.get = function (element) {
    if (!this.guard(122, 123)) return "";
    if (element === "") { this.fail(301); return ""; }
    var p = parse(element);
    var last = p.pattern.split(".").pop();
    if (last === "_children") {
      var parent = p.pattern.slice(0, -10);
      if (CHILDREN[parent]) return CHILDREN[parent];
      this.fail(MODEL[p.pattern] || MODEL[parent + ".id"] ? 301 : 401); return "";
    }
    if (last === "_count") {
      if (!MODEL[p.pattern]) { this.fail(MODEL[p.pattern.slice(0, -7) + ".id"] ? 301 : 401); return ""; }
      if (p.indexes.length === 0) return String(this.counts[p.pattern.slice(0, -7)] || 0);
      var prefix = element.slice(0, -7);
      var leaf = /objectives\._count$/.test(p.pattern) ? ".id" : ".pattern";
      var n = 0;
      while ((prefix + "." + n + leaf) in this.values) n++;
      return String(n);
    }
    var def = MODEL[p.pattern];
    if (!def) { this.fail(401); return ""; }
    var access = typeof def === "string" ? def : def[0];
    if (access === "w") { this.fail(405); return ""; }
    if (element === "cmi._version") return "1.0";
    if (p.indexes.length && p.indexes[0] >= (this.counts[p.pattern.split(".").slice(0, 2).join(".")] || 0)) {
      this.fail(301); return "";
    }
    if (this.values[element] === undefined) { this.fail(403); return ""; }
    return String(this.values[element]);
  };

  P.SetValue = function (element, value) {
    this.error = "0";
    var ok = this.set(String(element), value);
    return this.record("SetValue", [element, value], ok ? "true" : "false");
  };
  P.set = function (element, value) {
    if (!this.guard(132, 133)) return false;
    if (element === "") return this.fail(351);
    if (typeof value !== "string") value = String(value);
    var p = parse(element);
    var last = p.pattern.split(".").pop();
    if (last === "_children" || last === "_count" || last === "_version") return this.fail(404);
    var def = MODEL[p.pattern];
    if (!def) return this.fail(401);
    var access = typeof def === "string" ? def : def[0];
    if (access === "r") return this.fail(404);
    var bad = def[1](value);
    if (bad) return this.fail(bad);
    var top = p.pattern.indexOf("cmi.interactions.") === 0 ? "cmi.interactions" :
      p.pattern.indexOf("cmi.objectives.") === 0 ? "cmi.objectives" : null;
    if (top) {
      var n = p.indexes[0];
      if (n > this.counts[top]) return this.fail(351);
      var base = top + "." + n;
      if (n === this.counts[top]) {
        if (element !== base + ".id") return this.fail(408);  /* id first (RTE 4.2.9.1) */
        this.counts[top] += 1;
      } else if (!(base + ".id" in this.values)) {
        return this.fail(408);
      }
      if (p.indexes.length > 1) {                          /* objectives.m / correct_responses.m */
        var sub = element.replace(/\.[^.]+$/, "").replace(/\.\d+$/, "");
        var leaf = /objectives\.m\.id$/.test(p.pattern) ? ".id" : ".pattern";
        var count = 0;
        while ((sub + "." + count + leaf) in this.values) count++;
        if (p.indexes[1] > count) return this.fail(351);
      }
      if (/^cmi\.interactions\.n\.(correct_responses|learner_response|result)/.test(p.pattern) &&
          !(base + ".type" in this.values)) return this.fail(408);
    }
    this.values[element] = value;
    return true;
  };

  P.Commit = function (arg) {
    this.error = "0";
    if (arg !== "") this.fail(201);
    else this.guard(142, 143);
    if (this.error !== "0") return this.record("Commit", [arg], "false");
    this.save(false);
    return this.record("Commit", [arg], "true");
  };
  P.Terminate = function (arg) {
    this.error = "0";
    if (arg !== "") this.fail(201);
    else this.guard(112, 113);
    if (this.error !== "0") return this.record("Terminate", [arg], "false");
    this.save(true);
    this.state = "terminated";
    return this.record("Terminate", [arg], "true");
  };
  P.GetLastError = function () { return this.error; };
  P.GetErrorString = function (code) { return ERRORS[String(code)] || ""; };
  P.GetDiagnostic = function (code) { return ERRORS[String(code === "" ? this.error : code)] || ""; };

  root.CoursepackScorm2004API = Scorm2004API;
})(window);

/* What the two SCORM test APIs of the preview and of `coursepack play` (scorm12-api.js,
 * scorm2004-api.js) share: the learner's data kept in localStorage across launches, the
 * record of every call, element names read as patterns, and what commit and finish save.
 * Each API says what differs in its `spec`: the key it stores under, what a new learner
 * has, the elements the LMS sets itself (never saved), the exit and session time elements
 * and how session times add up. Load this file before either API. */
(function (root) {
  "use strict";

  /* "cmi.interactions.3.objectives.0.id" -> {pattern: "cmi.interactions.n.objectives.m.id", indexes: [3, 0]} */
  function parse(element) {
    var indexes = [];
    var letters = ["n", "m"];
    var pattern = element.split(".").map(function (part) {
      if (/^\d+$/.test(part)) { indexes.push(+part); return letters[indexes.length - 1] || "?"; }
      return part;
    }).join(".");
    return { pattern: pattern, indexes: indexes };
  }

  /* Gives the API constructor `Api` the shared methods; `spec` says what differs. */
  function session(Api, spec) {
    var P = Api.prototype;
    P.spec = spec;
    /* the constructor's work: options {key, onCall, credit, mode, masteryScore} */
    P.setup = function (options) {
      this.key = options.key || spec.key;
      this.onCall = options.onCall || function () {};
      this.settings = { credit: options.credit || "credit", mode: options.mode || "normal",
                        masteryScore: options.masteryScore || "" };
      this.state = "new";
      this.error = "0";
      this.load();
    };
    P.load = function () {
      var saved = null;
      try { saved = JSON.parse(root.localStorage.getItem(this.key) || "null"); } catch (e) { saved = null; }
      this.stored = saved || spec.fresh();
    };
    P.persist = function () {
      if (this.detached) return;     /* a course unloaded by "Reset learner" */
      try { root.localStorage.setItem(this.key, JSON.stringify(this.stored)); } catch (e) { /* full */ }
    };
    P.detach = function () { this.detached = true; };
    P.reset = function () {
      try { root.localStorage.removeItem(this.key); } catch (e) { /* ignore */ }
      this.load();
    };
    P.record = function (fn, args, result) {
      this.onCall({ fn: fn, args: args, result: result, error: this.error });
      return result;
    };
    P.countOf = function (array) {
      var n = 0;
      while ((array + "." + n + ".id") in this.values) n++;
      return n;
    };
    /* what a commit (finishing: false) or the end of the session (true) keeps */
    P.save = function (finishing) {
      var keep = {};
      var v = this.values;
      Object.keys(v).forEach(function (k) { if (!spec.lmsOwned.test(k)) keep[k] = v[k]; });
      this.stored.values = keep;
      this.stored.started = true;
      if (finishing) {
        this.stored.exit = v[spec.exit] || "";
        this.stored.total = spec.addTime(this.stored.total, v[spec.sessionTime]);
      }
      this.persist();
    };
    /* The current data model, for the preview page's panel. */
    P.dump = function () { return JSON.parse(JSON.stringify(this.values || this.stored.values)); };
  }

  root.CoursepackScormSession = { parse: parse, session: session };
})(window);

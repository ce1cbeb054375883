/* coursepack LMS adapters. Each adapter offers the same small interface, so the course
 * logic (coursepack.js) does not know which standard it runs under:
 *
 *   start() -> {entry, location, suspend, status, mode, learner} (or a Promise of it), or null
 *              (learner: the learner's name as the LMS gives it, "" when unknown)
 *              (null: the LMS did not start, or could not hand over what it holds; the
 *              course tries again twice, then goes on without it)
 *   save({location, suspend, status, score, viewed, progress, judgement}) -> true when stored
 *              (SCORM: what the LMS refused is set again at the next save)
 *   interaction({id, type, objectives, pattern, result, weighting, latency, q, answer, parent})
 *   objective(id, score, status)
 *   finish(exit, seconds) -> false when the LMS did not finish or lacks a value (or a
 *              Promise of that)
 *
 * This file holds what every package needs: the registry and Standalone, which keeps
 * progress in localStorage (no LMS found, or the plain web package). A package carries
 * only its own standard's adapter, which registers itself here: cp-scorm.js with
 * cp-scorm12.js or cp-scorm2004.js, cp-xapi.js with cp-cmi5.js.
 */
(function (root) {
  "use strict";

  /* ISO 8601 duration with at most 2 decimals (SCORM 2004 timeinterval, xAPI): PT1H2M3.45S */
  function duration(seconds) {
    var cs = Math.max(0, Math.round(seconds * 100));
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + s + "S";
  }

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

  /* Each adapter file adds a function(data) that returns its adapter when its LMS (or
     launch) is there, else null. */
  var connectors = [];

  /* The adapter for this launch: the package's standard if its LMS answers, else standalone. */
  function connect(data) {
    for (var i = 0; i < connectors.length; i++) {
      var lms = null;
      try { lms = connectors[i](data); } catch (e) {
        /* launched, but with launch data it cannot use (a malformed actor): say so, go on */
        lms = new Standalone(data.id + ":" + data.version, false);
        lms.message = "launch_damaged";
      }
      if (lms) return lms;
    }
    return new Standalone(data.id + ":" + data.version, data.target === "web");
  }

  /* Targets whose LMS hands over an API object the course should wait for when it is not
     there at once (cp-scorm12.js and cp-scorm2004.js add theirs; see coursepack.js). */
  var waiting = {};
  function waitsForAPI(data) { return waiting[data.target] === true; }

  root.CoursepackLMS = { connect: connect, connectors: connectors, Standalone: Standalone,
                         duration: duration, waiting: waiting, waitsForAPI: waitsForAPI };
})(window);

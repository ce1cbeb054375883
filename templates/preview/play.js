/* The LMS page of `coursepack play` (builder/play/): hosts one package in a frame with the
 * preview's strict SCORM 1.2 API (scorm12-api.js), the strict SCORM 2004 API
 * (scorm2004-api.js), or an xAPI / cmi5 launch against the preview server's small LRS,
 * and records every API call with its error code for the learner scripts to read. */
(function () {
  "use strict";

  var frame = document.getElementById("play-course");
  var api = null;
  var play = window.coursepackPlay = { calls: [], api: null, launches: 0 };

  function settings() {
    var q = new URLSearchParams(window.location.search);
    return { standard: q.get("standard") || "scorm12", launch: q.get("launch") || "index.html",
             key: play.key || q.get("key") || "coursepack-play", mastery: q.get("mastery") || "" };
  }

  function record(c) { play.calls.push({ fn: c.fn, args: c.args, result: c.result, error: c.error, launch: play.launches }); }

  /* A new session: a fresh API over the learner's stored data, then the course. */
  play.launch = function () {
    var s = settings();
    play.launches += 1;
    window.API = undefined;
    window.API_1484_11 = undefined;
    if (s.standard === "none") {                  /* a web package: no LMS at all */
      frame.src = "/course/" + s.launch;
      return Promise.resolve(true);
    }
    if (s.standard === "scorm12" || s.standard === "scorm2004") {
      var Api = s.standard === "scorm12" ? window.CoursepackPreviewAPI : window.CoursepackScorm2004API;
      api = new Api({ key: s.key, masteryScore: s.mastery, onCall: record });
      play.api = api;
      if (s.standard === "scorm12") window.API = api; else window.API_1484_11 = api;
      frame.src = "/course/" + s.launch;
      return Promise.resolve(true);
    }
    return fetch("/__lrs/launch?mode=Normal").then(function (r) { return r.json(); }).then(function (launch) {
      frame.src = "/course/" + s.launch + (s.launch.indexOf("?") >= 0 ? "&" : "?") + launch.query;
      return true;
    });
  };

  /* Leave as a learner closing the course does: the content unloads (its pagehide runs)
     while this page stays, then the API is detached so that nothing later reaches it. */
  play.leave = function () {
    return new Promise(function (resolve) {
      frame.addEventListener("load", function once() {
        frame.removeEventListener("load", once);
        if (api && api.detach) api.detach();
        resolve(true);
      });
      frame.src = "about:blank";
    });
  };

  /* A new learner on the same page: their own stored data (key), a fresh call log. */
  play.begin = function (key) {
    play.key = key;
    play.calls = [];
    play.launches = 0;
    api = null;
    play.api = null;
  };

  play.dump = function () { return api ? api.dump() : {}; };
  play.stored = function () { return api ? JSON.parse(JSON.stringify(api.stored)) : null; };
})();

/* LMS quirks: how real LMSs bend the SCORM API, for the preview LMS (`coursepack preview
 * --lms-quirks`) and the test suite's scorm-again LMS (tests/support/player/scorm.html) to
 * switch on, so that QA and the tests see the course survive them. The names and their
 * descriptions are listed in builder/preview.py (LMS_QUIRKS); docs/qa.md tells which LMS
 * does what.
 *
 *   CoursepackLMSQuirks.wrap(api, standard, names, host)
 *     changes the API object in place (standard "12" or "2004"); names is a list of quirk
 *     names; host may give unloading() (true while the content unloads) and note(text)
 *     (told of every call a quirk changed). The host itself applies "late-api" (put the API
 *     on the window LATE_API_MS after the content starts) and "short-frame" (a content
 *     frame FRAME_HEIGHT px high).
 */
(function (root) {
  "use strict";

  var NAMES = {
    "12": { get: "LMSGetValue", set: "LMSSetValue", commit: "LMSCommit", finish: "LMSFinish",
            error: "LMSGetLastError", entry: ["cmi.core.entry"],
            status: ["cmi.core.lesson_status", "cmi.core.score.raw"], commitError: "101" },
    "2004": { get: "GetValue", set: "SetValue", commit: "Commit", finish: "Terminate",
              error: "GetLastError", entry: ["cmi.entry"],
              status: ["cmi.completion_status", "cmi.success_status", "cmi.score.raw",
                       "cmi.score.scaled"], commitError: "391" }
  };
  var KNOWN = ["entry-empty", "entry-ab-initio", "blank-status", "no-count",
               "unload-first-only", "late-api", "commit-false", "short-frame"];

  function wrap(api, standard, names, host) {
    var n = NAMES[standard];
    var on = {};
    (names || []).forEach(function (name) {
      if (KNOWN.indexOf(name) < 0) throw new Error("unknown LMS quirk: " + name);
      on[name] = true;
    });
    host = host || {};
    var unloading = host.unloading || function () { return false; };
    var note = host.note || function () {};
    var original = {};
    ["get", "set", "commit", "finish", "error"].forEach(function (role) {
      original[role] = api[n[role]].bind(api);
    });
    var error = null;          /* the error code of the last call a quirk answered */
    var reached = 0;           /* calls that reached the LMS while the content unloads */

    function answer(role, args, result, code, why) {
      error = code;
      note(n[role] + "(" + args.map(function (a) { return JSON.stringify(a); }).join(", ") +
           ") = " + JSON.stringify(result) + "  [" + why + "]");
      return result;
    }
    /* Open edX's SCORM XBlock sends one request at once and queues the rest behind its
       answer: while the page unloads, only the first request (a SetValue, or the
       Terminate when nothing is queued) reaches it. Commit sends nothing there. */
    function lostInUnload(role, args) {
      if (!on["unload-first-only"] || !unloading()) return false;
      if (role === "commit" || reached++ > 0) {
        answer(role, args, "true", "0", "unload-first-only: lost");
        return true;
      }
      return false;
    }

    api[n.get] = function (element) {
      error = null;
      var args = [element];
      if (n.entry.indexOf(element) >= 0) {
        if (on["entry-empty"]) return answer("get", args, "", "0", "entry-empty");
        if (on["entry-ab-initio"]) return answer("get", args, "ab-initio", "0", "entry-ab-initio");
      }
      if (on["blank-status"] && n.status.indexOf(element) >= 0) {
        return answer("get", args, "", "0", "blank-status");
      }
      if (on["no-count"] && /\._count$/.test(element)) return answer("get", args, "", "0", "no-count");
      return original.get(element);
    };
    api[n.set] = function (element, value) {
      error = null;
      if (lostInUnload("set", [element, value])) return "true";
      return original.set(element, value);
    };
    api[n.commit] = function (arg) {
      error = null;
      if (lostInUnload("commit", [arg])) return "true";
      if (on["commit-false"]) return answer("commit", [arg], "false", n.commitError, "commit-false");
      return original.commit(arg);
    };
    api[n.finish] = function (arg) {
      error = null;
      if (lostInUnload("finish", [arg])) return "true";
      return original.finish(arg);
    };
    api[n.error] = function () { return error !== null ? error : original.error(); };
    return api;
  }

  root.CoursepackLMSQuirks = { wrap: wrap, known: KNOWN, LATE_API_MS: 1500, FRAME_HEIGHT: 154 };
})(window);

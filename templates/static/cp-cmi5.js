/* coursepack cmi5 adapter (needs cp-lms.js and cp-xapi.js): the xAPI adapter with the cmi5
 * launch (the auth token from the fetch URL, LMS.LaunchData's context template, launch
 * mode and mastery score) and cmi5's categories and extensions in statements.
 */
(function (root) {
  "use strict";

  var X = root.CoursepackXAPI;
  var CMI5 = "https://w3id.org/xapi/cmi5/";
  var CAT_CMI5 = { id: CMI5 + "context/categories/cmi5" };
  var CAT_MOVEON = { id: CMI5 + "context/categories/moveon" };
  var EXT_MASTERY = CMI5 + "context/extensions/masteryscore";
  var EXT_SESSION = CMI5 + "context/extensions/sessionid";
  var MODES = ["Normal", "Browse", "Review"];
  var MOVE_ON = ["Completed", "Passed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable"];
  var MOVE_ON_OF = { viewed: "Completed", passed: "Passed", both: "CompletedAndPassed" };

  /* The state document goes under the state id "suspendData": cmi5 reserves only
     LMS.LaunchData (10.0), and Open edX's cmi5 XBlock (0.1.3) stores no other id (it
     answers the rest 200 {"success": true} and drops them). Packages before this one
     saved under coursepack-state: read when suspendData holds nothing of ours. */
  function Cmi5(data, launch) {
    X.Xapi.call(this, data, launch, launch.activityId);
    this.stateId = "suspendData";
    this.oldStateIds = [X.STATE_ID];
  }
  var proto = Cmi5.prototype = Object.create(X.Xapi.prototype);
  proto.name = "cmi5";

  /* The auth token comes once from the fetch URL; keep it for reloads. */
  proto.token = function () {
    var self = this;
    var key = "coursepack-token:" + this.launch.fetch;
    var saved = null;
    try { saved = root.sessionStorage.getItem(key); } catch (e) { saved = null; }
    if (saved) { this.auth = "Basic " + saved; return Promise.resolve(); }
    return fetch(this.launch.fetch, { method: "POST" }).then(function (r) { return r.json(); }).then(function (body) {
      if (!body["auth-token"]) throw new Error("cmi5 fetch: " + (body["error-text"] || "no token"));
      try { root.sessionStorage.setItem(key, body["auth-token"]); } catch (e) { /* private mode */ }
      self.auth = "Basic " + body["auth-token"];
    });
  };
  /* LMS.LaunchData (cmi5 10.0), with defaults for what an LMS leaves out (Open edX's cmi5
     block sends only contextTemplate, launchMode and launchParameters): moveOn from the
     course's tracking rule, the course's own pass mark, no returnURL, Normal mode. Its
     returnURL is navigated to on exit, so only an http(s) or a relative URL is kept: a
     javascript: or data: URL would run the LMS's script in the course. */
  proto.launchData = function () {
    var self = this;
    return this.getState("LMS.LaunchData").then(function (got) {
      var d = got.doc && typeof got.doc === "object" && !Array.isArray(got.doc) ? got.doc : {};
      var out = {};
      out.contextTemplate = d.contextTemplate && typeof d.contextTemplate === "object" ? d.contextTemplate : {};
      out.launchMode = MODES.indexOf(d.launchMode) >= 0 ? d.launchMode : "Normal";
      out.moveOn = MOVE_ON.indexOf(d.moveOn) >= 0 ? d.moveOn : MOVE_ON_OF[self.data.tracking.completion] || "NotApplicable";
      if (typeof d.masteryScore === "number" && d.masteryScore >= 0 && d.masteryScore <= 1) out.masteryScore = d.masteryScore;
      var url = typeof d.returnURL === "string" ? d.returnURL : "", u = null, absolute = true;
      try { u = new URL(url, root.location.href); new URL(url); } catch (e) { absolute = false; }
      if (url && u && (!absolute || /^https?:$/.test(u.protocol))) out.returnURL = u.href;
      self.masteryScore = out.masteryScore;
      /* one outbox per session: statements of an ended session can never be sent with
         this session's credentials (the player checks the session id) */
      var ext = out.contextTemplate.extensions || {};
      if (ext[EXT_SESSION]) self.key += ":" + ext[EXT_SESSION];
      return out;
    });
  };

  /* On startup, before any statement, the AU reads the learner's preferences (cmi5 11.0;
     the cmi5 player refuses every statement until it has: 11.0.0.0-3). A package has one
     language and no audio, so they are only kept (info.preferences). */
  proto.preferences = function () {
    var url = this.endpoint + "agents/profile?agent=" + encodeURIComponent(JSON.stringify(this.actor)) +
      "&profileId=cmi5LearnerPreferences";
    return fetch(url, { headers: this.headers(false), cache: "no-store" }).then(function (r) {
      if (!r.ok) return null;
      return r.json().then(function (p) {
        if (!p || typeof p !== "object") return null;
        return { languagePreference: typeof p.languagePreference === "string" ? p.languagePreference : "",
                 audioPreference: p.audioPreference === "off" ? "off" : p.audioPreference === "on" ? "on" : "" };
      }, function () { return null; });
    }, function () { return null; });
  };

  /* cmi5-defined statements (`o.cmi5`) carry the cmi5 category, and moveOn ones also the
     moveon category; a judged statement carries the mastery score it was judged by. */
  proto.extend = function (context, o, add) {
    if (o.cmi5) {
      add("category", CAT_CMI5);
      if (o.moveon) add("category", CAT_MOVEON);
    }
    if (o.mastery !== undefined) {
      context.extensions = context.extensions || {};
      /* exactly the LMS's value (the course works in whole percent) */
      context.extensions[EXT_MASTERY] = typeof this.masteryScore === "number" ? this.masteryScore : o.mastery;
    }
  };

  root.CoursepackLMS.connectors.push(function (data) {
    var p = X.params();
    var launched = p.endpoint && p.fetch && p.actor && p.activityId && p.registration;
    return data.target === "cmi5" && launched ? new Cmi5(data, p) : null;
  });
  X.Cmi5 = Cmi5;
})(window);

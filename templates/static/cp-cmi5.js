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

  function Cmi5(data, launch) {
    X.Xapi.call(this, data, launch, launch.activityId);
  }
  Cmi5.prototype = Object.create(X.Xapi.prototype);
  Cmi5.prototype.name = "cmi5";

  /* The auth token comes once from the fetch URL; keep it for reloads. */
  Cmi5.prototype.token = function () {
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
  /* LMS.LaunchData, each value of the type cmi5 gives it (anything else is left out). Its
     returnURL is navigated to on exit, so only an http(s) or a relative URL is kept: a
     javascript: or data: URL would run the LMS's script in the course. */
  Cmi5.prototype.launchData = function () {
    return this.getState("LMS.LaunchData").then(function (d) {
      if (!d || typeof d !== "object" || Array.isArray(d)) return null;
      var url = typeof d.returnURL === "string" ? d.returnURL : "", u = null, absolute = true;
      try { u = new URL(url, root.location.href); new URL(url); } catch (e) { absolute = false; }
      var template = d.contextTemplate;
      return Object.assign({}, d, { contextTemplate: template && typeof template === "object" && !Array.isArray(template) ? template : null,
               launchMode: typeof d.launchMode === "string" ? d.launchMode : "Normal",
               masteryScore: typeof d.masteryScore === "number" && d.masteryScore >= 0 && d.masteryScore <= 1 ? d.masteryScore : undefined,
               returnURL: url && u && (!absolute || /^https?:$/.test(u.protocol)) ? u.href : "" });
    });
  };

  /* cmi5-defined statements (`o.cmi5`) carry the cmi5 category, and moveOn ones also the
     moveon category; a judged statement carries the mastery score it was judged by. */
  Cmi5.prototype.extend = function (context, o, add) {
    if (o.cmi5) {
      add("category", CAT_CMI5);
      if (o.moveon) add("category", CAT_MOVEON);
    }
    if (o.mastery !== undefined) {
      context.extensions = context.extensions || {};
      context.extensions[EXT_MASTERY] = o.mastery;
    }
  };

  root.CoursepackLMS.connectors.push(function (data) {
    var p = X.params();
    var launched = p.endpoint && p.fetch && p.actor && p.activityId && p.registration;
    return data.target === "cmi5" && launched ? new Cmi5(data, p) : null;
  });
  X.Cmi5 = Cmi5;
})(window);

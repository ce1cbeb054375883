/* coursepack xAPI adapter: the Tin Can launch (cp-cmi5.js builds cmi5 on it). Same
 * interface as cp-lms.js.
 *
 * Statements get their ids when they are made and go into a persistent outbox
 * (localStorage), which is sent in batches and retried with backoff while the LRS is
 * down or slow; a batch that may have arrived is re-sent with the same ids, so the LRS
 * stores each statement once. Bookmark and answers live in a State API document. No
 * credentials are built into a package: they come from the launch.
 */
(function (root) {
  "use strict";

  var VERB = "http://adlnet.gov/expapi/verbs/";
  var EXT_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress";
  var STATE_ID = "coursepack-state";
  var VERSION = "1.0.3";

  function uuid() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = new Uint8Array(16);
    root.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  var duration = root.CoursepackLMS.duration;
  function copy(x) { return JSON.parse(JSON.stringify(x)); }

  /* Legacy (0.95) actors arrive as arrays from some LMSs: take the first of each. */
  function normalizeActor(a) {
    if (!a) return null;
    var out = { objectType: "Agent" };
    if (a.name) out.name = Array.isArray(a.name) ? a.name[0] : a.name;
    if (a.mbox) out.mbox = Array.isArray(a.mbox) ? a.mbox[0] : a.mbox;
    else if (a.mbox_sha1sum) out.mbox_sha1sum = Array.isArray(a.mbox_sha1sum) ? a.mbox_sha1sum[0] : a.mbox_sha1sum;
    else if (a.openid) out.openid = Array.isArray(a.openid) ? a.openid[0] : a.openid;
    else if (a.account) {
      var acc = Array.isArray(a.account) ? a.account[0] : a.account;
      out.account = { homePage: acc.homePage || acc.accountServiceHomePage, name: acc.name || acc.accountName };
    }
    if (out.mbox && out.mbox.indexOf("mailto:") !== 0) out.mbox = "mailto:" + out.mbox;
    return out;
  }

  function params() {
    var out = {};
    new URLSearchParams(root.location.search).forEach(function (v, k) { out[k] = v; });
    return out;
  }

  /* ``objectId``: the activity the session's statements are about (cmi5: the AU). */
  function Xapi(data, launch, objectId) {
    this.data = data;
    this.launch = launch;
    this.endpoint = launch.endpoint.replace(/\/?$/, "/");
    this.actor = normalizeActor(JSON.parse(launch.actor));
    var a = this.actor || {};
    if (!(a.mbox || a.mbox_sha1sum || a.openid || (a.account && a.account.name))) throw new Error("actor");
    this.registration = launch.registration || null;
    this.courseId = objectId ? data.xapi.course.id : (launch.activity_id || data.xapi.course.id);
    this.objectId = objectId || this.courseId;
    this.ok = true;
    this.failures = 0;
    this.sending = false;
    this.key = "coursepack-outbox:" + (this.registration || "") + ":" + this.objectId;
    this.started = Date.now();
    this.template = null;      /* cmi5's contextTemplate */
    this.memory = {};          /* what this registration has already been sent (state doc) */
    this.pendingFail = null;
    this.onstatus = function () {};
  }

  Xapi.prototype.name = "xapi";
  Xapi.prototype.headers = function (json) {
    var h = { "X-Experience-API-Version": VERSION, Authorization: this.auth };
    if (json) h["Content-Type"] = "application/json";
    return h;
  };
  Xapi.prototype.stateUrl = function (stateId, activityId) {
    var q = "activityId=" + encodeURIComponent(activityId || this.objectId) +
      "&agent=" + encodeURIComponent(JSON.stringify(this.actor)) +
      "&stateId=" + encodeURIComponent(stateId);
    if (this.registration) q += "&registration=" + encodeURIComponent(this.registration);
    return this.endpoint + "activities/state?" + q;
  };

  /* The launch's credentials (cmi5 fetches them). */
  Xapi.prototype.token = function () {
    var auth = this.launch.auth || "";
    this.auth = /^\w+ /.test(auth) ? auth : "Basic " + auth;
    return Promise.resolve();
  };
  /* What the LMS says about this launch (cmi5's LMS.LaunchData), or null. */
  Xapi.prototype.launchData = function () { return Promise.resolve(null); };

  Xapi.prototype.getState = function (stateId, activityId) {
    return fetch(this.stateUrl(stateId, activityId), { headers: this.headers(false) }).then(function (r) {
      if (r.status === 404) return null;
      if (!r.ok) throw new Error("state " + r.status);
      return r.json();
    });
  };

  Xapi.prototype.start = function () {
    var self = this;
    return this.token().then(function () {
      return Promise.all([
        self.launchData(),
        self.getState(STATE_ID, self.courseId).catch(function () { return null; })
      ]);
    }).then(function (docs) {
      var launchData = docs[0] || {};
      var saved = docs[1] || {};
      self.template = launchData.contextTemplate || null;
      self.memory = saved.sent || {};
      self.saved = saved;
      var mode = (launchData.launchMode || "Normal").toLowerCase();
      var info = { entry: saved.suspend ? "resume" : "ab-initio", location: saved.location || "",
                   suspend: saved.suspend || "", status: saved.status || "",
                   mode: mode === "normal" ? "normal" : mode,
                   mastery: typeof launchData.masteryScore === "number" ? Math.round(launchData.masteryScore * 100) : null,
                   returnURL: launchData.returnURL || "" };
      self.mode = info.mode;
      self.statement("initialized", self.objectId, { cmi5: true });
      if (info.entry === "resume") self.statement("resumed", self.objectId, {});
      self.flush();
      return info;
    });
  };

  /* Make a statement and put it in the outbox. `o.cmi5` marks a cmi5-defined statement. */
  Xapi.prototype.statement = function (verb, object, o) {
    o = o || {};
    var context = this.template ? copy(this.template) : {};
    if (this.registration) context.registration = this.registration;
    var ca = context.contextActivities = context.contextActivities || {};
    function add(kind, item) { ca[kind] = (ca[kind] || []).concat([item]); }
    if (o.parent) add("parent", { id: o.parent });
    /* the course groups every statement about something else (cmi5: every statement) */
    if (object !== this.courseId || this.name === "cmi5") add("grouping", { id: this.courseId });
    this.extend(context, o, add);
    var s = {
      id: uuid(), timestamp: new Date().toISOString(), actor: this.actor,
      verb: { id: (verb.indexOf(":") > 0 ? verb : VERB + verb), display: { "en-US": verb.split("/").pop() } },
      object: typeof object === "string" ? { objectType: "Activity", id: object } : object,
      context: context
    };
    if (o.result) s.result = o.result;
    if (!Object.keys(ca).length) delete context.contextActivities;
    if (!Object.keys(context).length) delete s.context;
    var box = this.outbox();
    box.push(s);
    this.store(box);
    return s;
  };
  /* More context for a statement (cmi5's categories and extensions). */
  Xapi.prototype.extend = function () {};
  Xapi.prototype.outbox = function () {
    try { return JSON.parse(root.localStorage.getItem(this.key) || "[]"); } catch (e) { return this.memoryBox || []; }
  };
  Xapi.prototype.store = function (box) {
    this.memoryBox = box;
    try { root.localStorage.setItem(this.key, JSON.stringify(box)); } catch (e) { /* full or private */ }
  };

  /* Send the outbox in batches. A failure is retried with backoff (1 s, 2 s, ... 30 s). */
  Xapi.prototype.flush = function (keepalive) {
    var self = this;
    if (this.sending && !keepalive) return this.sending;
    var box = this.outbox();
    if (!box.length) return Promise.resolve(true);
    var batch = box.slice(0, keepalive ? box.length : 50);
    var sent = fetch(this.endpoint + "statements", {
      method: "POST", headers: this.headers(true), body: JSON.stringify(batch), keepalive: !!keepalive
    }).then(function (r) {
      if (r.status === 409) return self.sendOneByOne(batch);   /* some already stored */
      if (!r.ok) throw new Error("statements " + r.status);
      return true;
    }).then(function () {
      var ids = batch.map(function (s) { return s.id; });
      self.store(self.outbox().filter(function (s) { return ids.indexOf(s.id) < 0; }));
      self.failures = 0;
      self.report(true);
      self.sending = false;
      return self.outbox().length ? self.flush() : true;
    }, function () {
      self.failures += 1;
      self.sending = false;
      self.report(false);
      /* retry while the page lives; if it is closing, the next launch sends the outbox */
      var wait = Math.min(30000, 1000 * Math.pow(2, self.failures - 1));
      clearTimeout(self.retry);
      self.retry = setTimeout(function () { self.flush(); }, wait);
      return false;
    });
    if (!keepalive) this.sending = sent;
    return sent;
  };
  /* PUT each statement under its id: 204 stored, 409 already there; both are delivered. */
  Xapi.prototype.sendOneByOne = function (batch) {
    var self = this;
    return batch.reduce(function (p, s) {
      return p.then(function () {
        return fetch(self.endpoint + "statements?statementId=" + s.id, {
          method: "PUT", headers: self.headers(true), body: JSON.stringify(s)
        }).then(function (r) { if (!r.ok && r.status !== 409) throw new Error("statement " + r.status); });
      });
    }, Promise.resolve());
  };
  Xapi.prototype.report = function (ok) {
    this.ok = ok || this.failures < 2;
    this.onstatus(this.ok);
  };

  Xapi.prototype.putState = function (doc, keepalive) {
    var self = this;
    var body = JSON.stringify(doc);
    if (body === this.lastState && !keepalive) return;
    this.lastState = body;
    fetch(this.stateUrl(STATE_ID, this.courseId), {
      method: "PUT", headers: this.headers(true), body: body, keepalive: !!keepalive
    }).then(function (r) { if (!r.ok) throw new Error("state " + r.status); })
      .catch(function () { self.lastState = null; });   /* try again with the next save */
  };

  Xapi.prototype.seconds = function () { return (Date.now() - this.started) / 1000; };
  Xapi.prototype.judging = function () { return this.mode === "normal"; };

  Xapi.prototype.save = function (s) {
    this.lastSave = s;
    if (this.judging()) {
      if (s.viewed && !this.memory.completed) {
        this.memory.completed = true;
        this.statement("completed", this.objectId, { cmi5: true, moveon: true,
          result: { completion: true, duration: duration(this.seconds()) } });
      }
      var j = s.judgement;
      if (j && j.passed === null) j = null;   /* nothing to pass: no pass mark */
      if (j && j.passed && !this.memory.passed) {
        this.memory.passed = true;
        this.pendingFail = null;
        this.statement("passed", this.objectId, this.judged(j, true));
      } else if (j && !j.passed && !this.memory.passed) {
        this.pendingFail = j;               /* sent when attempts run out or at exit */
        if (j.final) this.sendFail();
      }
    }
    this.putState({ location: s.location, suspend: s.suspend, status: s.status, sent: this.memory });
    this.flush();
    return this.ok;
  };
  Xapi.prototype.judged = function (j, passed) {
    var o = { cmi5: true, moveon: true, result: {
      success: passed, duration: duration(this.seconds()),
      score: { scaled: j.score / 100, raw: j.score, min: 0, max: 100 } } };
    if (j.mastery !== null && j.mastery !== undefined) o.mastery = j.mastery / 100;
    return o;
  };
  Xapi.prototype.sendFail = function () {
    var j = this.pendingFail;
    if (!j || this.memory.passed || this.memory.failed || this.failedThisSession) return;
    this.failedThisSession = true;          /* cmi5: no cmi5-defined verb twice a session */
    if (j.final) this.memory.failed = true; /* attempts used up: nothing more to judge */
    this.statement("failed", this.objectId, this.judged(j, false));
    this.pendingFail = null;
  };

  Xapi.prototype.page = function (index, progress) {
    var pageActivity = this.data.xapi.pages[index];
    var unit = this.data.xapi.units[this.data.pages[index].unit];
    this.statement("experienced", pageActivity, { parent: unit.id });
    if (progress !== undefined && progress !== this.lastProgress && !this.memory.completed) {
      this.lastProgress = progress;
      this.statement("progressed", this.objectId, { result: { extensions: (function () {
        var e = {}; e[EXT_PROGRESS] = progress; return e; })() } });
    }
    this.flush();
  };

  Xapi.prototype.interaction = function (r) {
    if (!r.q || !r.q.activity) return;
    var result = { response: root.CoursepackQuestions.response2004(r.q, r.answer), duration: duration(r.latency) };
    if (r.result === "correct" || r.result === "wrong") result.success = r.result === "correct";
    this.statement("answered", r.q.activity, { parent: r.parent, result: result });
  };
  Xapi.prototype.objective = function () {};

  /* An assessment was submitted: a "scored" statement about it (cmi5 allowed). */
  Xapi.prototype.assessed = function (a) {
    var unit = this.data.xapi.units[a.unit];
    if (a.score === null) return;
    this.statement("scored", unit, { result: { score: { scaled: a.score / 100, raw: a.score, min: 0, max: 100 },
      success: a.passed, completion: true } });
    this.flush();
  };

  Xapi.prototype.finish = function (exit) {
    if (this.judging()) this.sendFail();
    if (exit === "suspend") this.statement("suspended", this.objectId, {});
    this.statement("terminated", this.objectId, { cmi5: true, result: { duration: duration(this.seconds()) } });
    var s = this.lastSave;
    if (s) this.putState({ location: s.location, suspend: s.suspend, status: s.status, sent: this.memory }, true);
    return this.flush(true);
  };

  /* The adapter for an xAPI launch, or null when the page was not launched that way. */
  root.CoursepackLMS.connectors.push(function (data) {
    var p = params();
    return data.target === "xapi" && p.endpoint && p.actor ? new Xapi(data, p) : null;
  });

  root.CoursepackXAPI = { Xapi: Xapi, params: params, normalizeActor: normalizeActor, uuid: uuid };
})(window);

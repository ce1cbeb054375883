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

  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  function uuid() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    var b = new Uint8Array(16);
    root.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = hex(b);
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  var duration = root.CoursepackLMS.duration;
  function copy(x) { return JSON.parse(JSON.stringify(x)); }
  function resolved(x) { return Promise.resolve(x); }
  /* retries wait 1 s, 2 s, 4 s ... 30 s after the n-th failure in a row */
  function backoff(n) { return Math.min(30000, 1000 * Math.pow(2, n - 1)); }
  /* the saved state's fields of a save */
  function stateOf(s) { return { location: s.location, suspend: s.suspend, status: s.status }; }
  /* a score of 0 to 100 as xAPI's result.score */
  function scoreOf(n) { return { scaled: n / 100, raw: n, min: 0, max: 100 }; }

  /* Legacy (0.95) actors arrive as arrays from some LMSs: take the first of each. */
  function first(v) { return Array.isArray(v) ? v[0] : v; }
  function normalizeActor(a) {
    if (!a) return null;
    var out = { objectType: "Agent" };
    if (a.name) out.name = first(a.name);
    if (a.mbox) out.mbox = first(a.mbox);
    else if (a.mbox_sha1sum) out.mbox_sha1sum = first(a.mbox_sha1sum);
    else if (a.openid) out.openid = first(a.openid);
    else if (a.account) {
      var acc = first(a.account);
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

  /* The SHA-1 of a text in hex (how LRSs compute a document's ETag), or null where the
     browser offers no digest (pages outside a secure context). */
  function sha1(text) {
    var subtle = root.crypto && root.crypto.subtle;
    if (!subtle) return resolved(null);
    return subtle.digest("SHA-1", new TextEncoder().encode(text)).then(function (buf) {
      return hex(new Uint8Array(buf));
    }, function () { return null; });
  }
  /* A response's ETag: the LRS's header, else the quoted SHA-1 of the body; undefined when
     neither is known. */
  function etagOf(r, text) {
    var header = r.headers.get("ETag");
    return header ? resolved(header) : sha1(text).then(function (h) { return h ? '"' + h + '"' : undefined; });
  }
  /* Our state document, or null for anything else an LMS answers (e.g. `{"success": true}`). */
  function validState(doc) {
    return !!doc && typeof doc === "object" && !Array.isArray(doc) && typeof doc.suspend === "string" &&
      typeof doc.location === "string" && (doc.sent === undefined || (typeof doc.sent === "object" && !Array.isArray(doc.sent)));
  }
  function union(a, b) {
    var out = {};
    [a || {}, b || {}].forEach(function (m) { Object.keys(m).forEach(function (k) { if (m[k]) out[k] = true; }); });
    return out;
  }
  var KEEPALIVE_MAX = 60000;   /* browsers allow 64 KiB of keepalive bodies in flight */

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
    this.failures = 0;           /* statement sends failed in a row */
    this.stateFailures = 0;      /* state saves failed in a row */
    /* Set later, unset (falsy) until then:
       sending      the statement send in flight (a Promise)
       closing      the session is ending: send what is left with keepalive
       ended        terminated is queued: nothing may follow it
       initId       the session's initialized statement, sent alone and first (initDone: it was)
       byPut        the LRS did not confirm a batch: statements one by one
       etag         the state document's ETag; null: none stored; undefined: unknown
       stateBusy    the state save in flight (a Promise)
       template     cmi5's contextTemplate
       pendingFail  a failed judgement not sent yet */
    this.refused = [];           /* statements the LRS refused for good (4xx): [{id, verb, status}] */
    this.stateId = STATE_ID;     /* the state document's id (cmi5: see cp-cmi5.js) */
    this.oldStateIds = [];       /* ids earlier packages saved under: read when ours holds nothing */
    this.key = "coursepack-outbox:" + (this.registration || "") + ":" + this.objectId;
    this.sentKey = "coursepack-sent:" + (this.registration || "") + ":" + this.objectId;
    this.started = Date.now();
    this.memory = {};          /* what this registration has already been sent (state doc) */
    this.onstatus = function () {};
  }

  var proto = Xapi.prototype;
  proto.name = "xapi";
  proto.headers = function (json) {
    var h = { "X-Experience-API-Version": VERSION, Authorization: this.auth };
    if (json) h["Content-Type"] = "application/json";
    return h;
  };
  proto.stateUrl = function (stateId, activityId) {
    var q = "activityId=" + encodeURIComponent(activityId || this.objectId) +
      "&agent=" + encodeURIComponent(JSON.stringify(this.actor)) +
      "&stateId=" + encodeURIComponent(stateId);
    if (this.registration) q += "&registration=" + encodeURIComponent(this.registration);
    return this.endpoint + "activities/state?" + q;
  };

  /* The launch's credentials (cmi5 fetches them). */
  proto.token = function () {
    var auth = this.launch.auth || "";
    this.auth = /^\w+ /.test(auth) ? auth : "Basic " + auth;
    return resolved();
  };
  /* What the LMS says about this launch (cmi5's LMS.LaunchData), or null. */
  proto.launchData = function () { return resolved(null); };
  /* The learner's preferences (cmi5 reads them before any statement). */
  proto.preferences = function () { return resolved(null); };

  /* A state document: {doc, etag} (doc null when none is stored). The ETag is the LRS's
     header, else the SHA-1 of the body (what the xAPI spec and the ADL LRS use). */
  proto.getState = function (stateId, activityId) {
    return fetch(this.stateUrl(stateId, activityId), { headers: this.headers(false), cache: "no-store" }).then(function (r) {
      if (r.status === 404) return { doc: null, etag: null };
      if (!r.ok) throw new Error("state " + r.status);
      return r.text().then(function (text) {
        var doc = null;
        try { doc = JSON.parse(text); } catch (e) { doc = null; }
        return etagOf(r, text).then(function (etag) { return { doc: doc, etag: etag || undefined }; });
      });
    });
  };
  /* The saved state, read before the course starts: a failed read is retried (twice), as
     the record of what was already sent lives in it. */
  proto.readState = function () {
    var self = this, tries = 0;
    function attempt() {
      return self.getState(self.stateId, self.courseId).catch(function (e) {
        if (++tries >= 3) throw e;
        return new Promise(function (ok) { setTimeout(ok, 300 * tries); }).then(attempt);
      });
    }
    return attempt().then(function (got) {
      self.etag = got.etag;
      return validState(got.doc) ? got.doc : self.readOldState(0);
    }, function () { self.etag = undefined; return null; });
  };
  /* Our state saved under an earlier state id (a learner of an earlier package keeps their
     place), or null. Saves still go to this.stateId: the ETag kept is that document's. */
  proto.readOldState = function (i) {
    var self = this;
    if (i >= this.oldStateIds.length) return resolved(null);
    return this.getState(this.oldStateIds[i], this.courseId).then(function (got) {
      return validState(got.doc) ? got.doc : self.readOldState(i + 1);
    }, function () { return self.readOldState(i + 1); });
  };
  /* What was sent, also kept in this browser: a state document that could not be saved
     must not make the course send completed or passed twice. */
  proto.localSent = function (value) {
    try {
      if (value) root.localStorage.setItem(this.sentKey, JSON.stringify(value));
      else return JSON.parse(root.localStorage.getItem(this.sentKey) || "{}") || {};
    } catch (e) { return {}; }
    return value;
  };

  proto.start = function () {
    var self = this;
    var launchData = {};
    return this.token().then(function () {
      return self.launchData();
    }).then(function (ld) {
      launchData = ld || {};
      return self.preferences();
    }).then(function (prefs) {
      self.prefs = prefs;
      return self.readState();
    }).then(function (saved) {
      saved = saved || {};
      self.template = launchData.contextTemplate || null;
      self.memory = union(saved.sent, self.localSent());
      self.saved = saved;
      var mode = (launchData.launchMode || "Normal").toLowerCase();
      var info = { entry: saved.suspend ? "resume" : "ab-initio", location: saved.location || "",
                   suspend: saved.suspend || "", status: saved.status || "",
                   mode: mode === "normal" ? "normal" : mode,
                   mastery: typeof launchData.masteryScore === "number" ? Math.round(launchData.masteryScore * 100) : null,
                   moveOn: launchData.moveOn || null, preferences: self.prefs || null,
                   returnURL: launchData.returnURL || "",
                   learner: (self.actor && self.actor.name) || "" };
      self.mode = info.mode;
      self.initId = self.statement("initialized", self.objectId, { cmi5: true }).id;
      if (info.entry === "resume") self.statement("resumed", self.objectId, {});
      self.flush();
      return info;
    });
  };

  /* Make a statement and put it in the outbox. `o.cmi5` marks a cmi5-defined statement.
     Nothing follows terminated. */
  proto.statement = function (verb, object, o) {
    if (this.ended) return null;
    o = o || {};
    var context = this.template ? copy(this.template) : {};
    if (this.registration) context.registration = this.registration;
    var ca = context.contextActivities = context.contextActivities || {};
    function add(kind, item) { ca[kind] = (ca[kind] || []).concat([item]); }
    if (o.parent) add("parent", { id: o.parent });
    if (o.category) add("category", { id: o.category });       /* a profile (media: the Video Profile) */
    if (o.extensions) {
      context.extensions = context.extensions || {};
      Object.keys(o.extensions).forEach(function (k) { context.extensions[k] = o.extensions[k]; });
    }
    /* the course groups every statement about something else (cmi5: every statement) */
    if (object !== this.courseId || this.name === "cmi5") add("grouping", { id: this.courseId });
    this.extend(context, o, add);
    var name = verb.split("/").pop();
    var s = {
      id: uuid(), timestamp: new Date().toISOString(), actor: this.actor,
      /* "en" too: some LMSs (Open edX's cmi5 block) read verb.display.en */
      verb: { id: (verb.indexOf(":") > 0 ? verb : VERB + verb), display: { "en-US": name, en: name } },
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
  proto.extend = function () {};
  proto.outbox = function () {
    try { return JSON.parse(root.localStorage.getItem(this.key) || "[]"); } catch (e) { return this.memoryBox || []; }
  };
  proto.store = function (box) {
    this.memoryBox = box;
    try { root.localStorage.setItem(this.key, JSON.stringify(box)); } catch (e) { /* full or private */ }
  };
  proto.remove = function (ids) {
    this.store(this.outbox().filter(function (s) { return ids.indexOf(s.id) < 0; }));
    if (this.initId && ids.indexOf(this.initId) >= 0) this.initDone = true;
  };

  /* Send the outbox, one batch at a time and in order: a statement is never posted while
     a batch holding it may still be on its way (so never twice), and initialized goes
     alone and first (the cmi5 player checks "initialized first" against the session it
     stored). Resolves when what was queued is delivered (true) or a send failed (false,
     retried with backoff: 1 s, 2 s, ... 30 s). `closing`: the session is ending; what is
     left goes with keepalive after the batch in flight. */
  proto.flush = function (closing) {
    var self = this;
    if (closing) this.closing = true;
    if (this.sending) {
      return closing ? this.sending.then(function () { return self.flush(); }) : this.sending;
    }
    var box = this.outbox();
    if (!box.length) return resolved(true);
    var n = this.closing ? box.length : 50;
    if (this.initId && !this.initDone) {
      var at = box.map(function (s) { return s.id; }).indexOf(this.initId);
      if (at >= 0) n = Math.min(n, at + 1);
    }
    var batch = box.slice(0, n);
    var keepalive = this.closing;
    while (keepalive && batch.length > 1 && JSON.stringify(batch).length > KEEPALIVE_MAX) batch.pop();
    clearTimeout(this.retry);
    var sent = this.post(batch, keepalive).then(function () {
      self.failures = 0;
      self.sending = null;
      self.report();
      return self.outbox().length ? self.flush() : true;
    }, function () {
      self.failures += 1;
      self.sending = null;
      self.report();
      /* retry while the page lives; if it is closing, the next launch sends the outbox */
      var wait = backoff(self.failures);
      clearTimeout(self.retry);
      self.retry = setTimeout(function () { self.flush(); }, wait);
      return false;
    });
    this.sending = sent;
    return sent;
  };
  /* Deliver one batch; resolves once every statement of it is stored (or refused for
     good), rejects when it should be tried again. A POST counts only when the LRS answers
     with the statement ids (xAPI 1.0.3 Communication 2.1.2); an LRS (or LMS in front of
     one) that answers otherwise gets the statements one by one, by PUT, from then on. */
  proto.post = function (batch, keepalive) {
    var self = this;
    if (this.byPut) return this.sendOneByOne(batch, keepalive);
    var ids = batch.map(function (s) { return s.id; });
    return fetch(this.endpoint + "statements", {
      method: "POST", headers: this.headers(true), body: JSON.stringify(batch), keepalive: !!keepalive
    }).then(function (r) {
      if (r.status === 409) return self.sendOneByOne(batch, keepalive);   /* some already stored */
      if (r.status === 400 || r.status === 403) return self.sendOneByOne(batch, keepalive);   /* find the refused */
      if (!r.ok) throw new Error("statements " + r.status);
      return r.text().then(function (text) {
        var got = null;
        try { got = JSON.parse(text); } catch (e) { got = null; }
        var confirmed = Array.isArray(got) && ids.every(function (id) { return got.indexOf(id) >= 0; });
        if (confirmed) { self.remove(ids); return true; }
        self.byPut = true;
        return self.sendOneByOne(batch, keepalive);
      });
    });
  };
  /* PUT each statement under its id: 204 stored, 409 already there (both delivered);
     400 or 403 refused for good (recorded, not retried: it would block the rest). */
  proto.sendOneByOne = function (batch, keepalive) {
    var self = this;
    return batch.reduce(function (p, s) {
      return p.then(function () {
        return fetch(self.endpoint + "statements?statementId=" + encodeURIComponent(s.id), {
          method: "PUT", headers: self.headers(true), body: JSON.stringify(s), keepalive: !!keepalive
        }).then(function (r) {
          if (r.status === 400 || r.status === 403) {
            self.refused.push({ id: s.id, verb: s.verb.id, status: r.status });
            if (root.console) root.console.warn("coursepack: the LRS refused statement " + s.id + " (" + s.verb.id + "): " + r.status);
          } else if (!r.ok && r.status !== 409) throw new Error("statement " + r.status);
          self.remove([s.id]);
        });
      });
    }, resolved());
  };
  /* Tell the course whether saving works: statements and the state document. */
  proto.report = function () {
    this.ok = this.failures < 2 && this.stateFailures < 2;
    this.onstatus(this.ok);
  };

  /* Save the state document. The State API's concurrency control (xAPI 2.0 / IEEE
     9274.1.1, applied by the ADL LRS to 1.0.3 too): If-Match with the ETag we know,
     If-None-Match: * when there is none yet; on 412 or 409 read the document again (its
     ETag, and what another session recorded as sent) and retry. One save at a time; the
     latest one wins. A failure tells the learner and is retried with backoff. */
  proto.putState = function (doc, closing) {
    this.wantState = doc;
    if (closing) this.closing = true;
    return this.pumpState();
  };
  proto.pumpState = function () {
    var self = this;
    if (this.stateBusy) return this.stateBusy.then(function () { return self.pumpState(); });
    var doc = this.wantState;
    if (!doc) return resolved(true);
    var conflicts = 0;
    function body() { var d = stateOf(doc); d.sent = self.memory; return JSON.stringify(d); }
    function reread() {
      return self.getState(self.stateId, self.courseId).then(function (got) {
        self.etag = got.etag === undefined ? null : got.etag;
        if (validState(got.doc)) self.memory = union(self.memory, got.doc.sent);
      });
    }
    function put() {
      var text = body();
      if (text === self.lastState) return resolved(true);
      var h = self.headers(true);
      if (self.etag) h["If-Match"] = self.etag; else h["If-None-Match"] = "*";
      /* keepalive: a save in flight when the page closes still arrives (bodies are small) */
      return fetch(self.stateUrl(self.stateId, self.courseId), {
        method: "PUT", headers: h, body: text, keepalive: text.length < 8000 || !!self.closing
      }).then(function (r) {
        if ((r.status === 412 || r.status === 409) && ++conflicts <= 3) return reread().then(put);
        if (!r.ok) throw new Error("state " + r.status);
        self.lastState = text;
        return etagOf(r, text).then(function (etag) { self.etag = etag; return true; });
      });
    }
    var run = (this.etag === undefined ? reread() : resolved()).then(put).then(function (ok) {
      self.stateBusy = null;
      if (self.stateFailures) { self.stateFailures = 0; self.report(); }
      return self.wantState === doc ? ok : self.pumpState();
    }, function () {
      self.stateBusy = null;
      self.stateFailures += 1;
      self.report();
      clearTimeout(self.stateRetry);
      var wait = backoff(self.stateFailures);
      self.stateRetry = setTimeout(function () { self.pumpState(); }, wait);
      return false;
    });
    this.stateBusy = run;
    return run;
  };

  proto.seconds = function () { return (Date.now() - this.started) / 1000; };
  proto.judging = function () { return this.mode === "normal"; };

  /* What was sent goes into the record at once (this browser, then the state document). */
  proto.sent = function (what) {
    this.memory[what] = true;
    this.localSent(this.memory);
  };

  /* completed, passed and failed: in Normal mode whenever they are true, whatever the
     moveOn (cmi5 10.0 launchMode Normal: "MUST send other cmi5 defined statements per
     section 9.3"; 9.3.3-9.3.5; moveOn only MAY modify the AU's behaviour). Once per
     registration: the record of what was sent lives in the state document. */
  proto.save = function (s) {
    this.lastSave = s;
    if (this.judging() && !this.ended) {
      if (s.viewed && !this.memory.completed) {
        this.sent("completed");
        this.statement("completed", this.objectId, { cmi5: true, moveon: true,
          result: { completion: true, duration: duration(this.seconds()) } });
      }
      var j = s.judgement;
      if (j && j.passed === null) j = null;   /* nothing to pass: no pass mark */
      if (j && j.passed && !this.memory.passed) {
        this.sent("passed");
        this.pendingFail = null;
        this.statement("passed", this.objectId, this.judged(j, true));
      } else if (j && !j.passed && !this.memory.passed) {
        this.pendingFail = j;               /* sent when attempts run out or at exit */
        if (j.final) this.sendFail();
      }
    }
    this.putState(stateOf(s));
    this.flush();
    return this.ok;
  };
  proto.judged = function (j, passed) {
    var o = { cmi5: true, moveon: true, result: {
      success: passed, duration: duration(this.seconds()),
      score: scoreOf(j.score) } };
    if (j.mastery !== null && j.mastery !== undefined) o.mastery = j.mastery / 100;
    return o;
  };
  proto.sendFail = function () {
    var j = this.pendingFail;
    if (!j || this.memory.passed || this.memory.failed || this.failedThisSession || this.ended) return;
    this.failedThisSession = true;          /* cmi5: no cmi5-defined verb twice a session */
    if (j.final) this.sent("failed");       /* attempts used up: nothing more to judge */
    this.statement("failed", this.objectId, this.judged(j, false));
    this.pendingFail = null;
  };

  proto.page = function (index, progress) {
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

  proto.interaction = function (r) {
    if (!r.q || !r.q.activity) return;
    var result = { response: root.CoursepackQuestions.response2004(r.q, r.answer), duration: duration(r.latency) };
    if (r.result === "correct" || r.result === "wrong") result.success = r.result === "correct";
    this.statement("answered", r.q.activity, { parent: r.parent, result: result });
  };
  proto.objective = function () {};

  /* An assessment was submitted: a "scored" statement about it (cmi5 allowed). */
  proto.assessed = function (a) {
    var unit = this.data.xapi.units[a.unit];
    if (a.score === null) return;
    this.statement("scored", unit, { result: { score: scoreOf(a.score),
      success: a.passed, completion: true } });
    this.flush();
  };

  /* End the session: failed if due, suspended, terminated (always the last statement),
     the last state; then everything left is sent, after the batch in flight. */
  proto.finish = function (exit) {
    var self = this;
    if (this.ended) return this.flush(true);
    if (this.judging()) this.sendFail();
    if (exit === "suspend") this.statement("suspended", this.objectId, {});
    this.statement("terminated", this.objectId, { cmi5: true, result: { duration: duration(this.seconds()) } });
    this.ended = true;
    var s = this.lastSave;
    var state = s ? this.putState(stateOf(s), true) : resolved(true);
    return Promise.all([this.flush(true), state]).then(function (r) { return r[0] !== false && r[1] !== false && self.ok; });
  };

  /* The adapter for an xAPI launch, or null when the page was not launched that way. */
  root.CoursepackLMS.connectors.push(function (data) {
    var p = params();
    return data.target === "xapi" && p.endpoint && p.actor ? new Xapi(data, p) : null;
  });

  root.CoursepackXAPI = { Xapi: Xapi, params: params, normalizeActor: normalizeActor, uuid: uuid, STATE_ID: STATE_ID };
})(window);

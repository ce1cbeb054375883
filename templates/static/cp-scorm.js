/* coursepack SCORM adapters, the part SCORM 1.2 and 2004 share (cp-scorm12.js and
 * cp-scorm2004.js build on it): finding the API, calling it, and re-sending what the LMS
 * refused. The adapter interface is described in cp-lms.js.
 */
(function (root) {
  "use strict";

  /* Find an LMS API object by name: up the parent chain, then the opener's chain, then
     top.opener's. Every cross-window access may throw (cross-origin frames): skip it. */
  function findAPI(win, name, probe) {
    function climb(w) {
      for (var hops = 0; w && hops < 500; hops++) {
        try { if (w[name] && typeof w[name][probe] !== "undefined") return w[name]; } catch (e) { /* cross-origin */ }
        var parent = null;
        try { parent = w.parent; } catch (e) { parent = null; }
        if (!parent || parent === w) break;
        w = parent;
      }
      return null;
    }
    var api = climb(win);
    try { if (!api && win.opener) api = climb(win.opener); } catch (e) { /* cross-origin */ }
    try { if (!api && win.top && win.top.opener) api = climb(win.top.opener); } catch (e) { /* cross-origin */ }
    return api;
  }

  /* A save the LMS refused is tried again after these delays (ms), the last one
     repeating, until one succeeds; any save in between (a page turn, an answer) is a try
     too. Every save carries the whole state, so one success makes up for all failures. */
  var RETRY_DELAYS = [1000, 2000, 5000, 10000, 30000];

  /* What SCORM 1.2 and 2004 share: calling the API, caching what the LMS already has. */
  function Scorm(api, fn) {
    var self = this;
    this.api = api;
    this.fn = fn;
    this.sent = {};
    this.failed = {};       /* element -> value the LMS refused, until it takes one */
    this.tried = {};        /* elements set since the last commit */
    this.ok = true;
    this.objectiveIndex = {};
    this.counter = {};      /* array -> the next index, when the LMS has no usable _count */
    this.retries = 0;
    this.timer = null;
    /* leaving the tab with a save pending: try it now, the page may not come back */
    root.document.addEventListener("visibilitychange", function () {
      if (root.document.visibilityState === "hidden" && self.timer !== null && self.resave) self.resave();
    });
  }
  /* An LMS may not be ready at once: start() is tried 3 times. */
  Scorm.prototype.tries = 3;
  /* The finish persists what was set, even when the last commit failed. */
  Scorm.prototype.finishSaves = true;
  Scorm.prototype.call = function (name, a, b) {
    var result;
    try { result = b === undefined ? this.api[this.fn[name]](a) : this.api[this.fn[name]](a, b); } catch (e) { result = false; }
    return String(result) === "true";
  };
  Scorm.prototype.get = function (element) {
    try { return String(this.api[this.fn.get](element) || ""); } catch (e) { return ""; }
  };
  Scorm.prototype.lastError = function () {
    try { return String(this.api[this.fn.error]()); } catch (e) { return "101"; }
  };
  /* A value the course will write back (bookmark, state, status): null when the LMS
     answers with an error, so that what it holds is never overwritten by a blank start.
     ``absent`` lists the error codes that only mean "no value yet". */
  Scorm.prototype.read = function (element, absent) {
    var value;
    try { value = this.api[this.fn.get](element); } catch (e) { return null; }
    var error = this.lastError();
    if (!(parseInt(error, 10) > 0)) return value === null || value === undefined ? "" : String(value);
    return absent && absent.indexOf(error) >= 0 ? "" : null;
  };
  /* A count element the LMS supports: its value, or -1 when it answers with an error. */
  Scorm.prototype.count = function (element) {
    var value = this.get(element);
    return this.lastError() === "0" && /^\d+$/.test(value) ? +value : -1;
  };
  /* Set a value unless the LMS already has it; failures are retried by the next save. */
  Scorm.prototype.set = function (element, value) {
    value = String(value);
    if (this.sent[element] === value) {
      delete this.failed[element];   /* back to what the LMS has: nothing to retry */
      return true;
    }
    this.tried[element] = true;
    var ok = this.call("set", element, value);
    if (ok) {
      this.sent[element] = value;
      delete this.failed[element];
    } else {
      this.ok = false;
      this.failed[element] = value;
    }
    return ok;
  };
  /* The last call of a session: true when the LMS finished and holds every value set. */
  Scorm.prototype.end = function () {
    this.finished = true;
    root.clearTimeout(this.timer);
    var ok = this.call("finish", "");
    for (var element in this.failed) if (Object.prototype.hasOwnProperty.call(this.failed, element)) return false;
    return ok;
  };
  /* The next free index of an array (cmi.interactions, cmi.objectives): _count when the
     LMS has a usable one. Some LMSs have none (Open edX's SCORM XBlock and scormhost answer
     "" without an error): then the runtime counts itself, from the first index whose id
     reads back empty or with an error (records of earlier sessions are kept; SCORM 1.2
     interaction ids are write-only, so there it starts at 0). Nothing is ever skipped. */
  Scorm.prototype.nextIndex = function (base) {
    var n = this.count(base + "._count");
    if (n >= 0) return n;
    if (this.counter[base] === undefined) {
      for (n = 0; n < 1000; n++) {
        var id = this.get(base + "." + n + ".id");
        if (id === "" || this.lastError() !== "0") break;
      }
      this.counter[base] = n;
    }
    return this.counter[base];
  };
  /* Index n of the array is taken: the own counter moves past it. */
  Scorm.prototype.claim = function (base, n) {
    if (!(this.counter[base] > n)) this.counter[base] = n + 1;
  };
  /* Write-once records (interactions): append at the next free index. */
  Scorm.prototype.append = function (base, fields) {
    var n = this.nextIndex(base);
    this.claim(base, n);
    var self = this;
    fields.forEach(function (f) {
      if (f[1] !== null && !self.call("set", base + "." + n + "." + f[0], String(f[1]))) self.ok = false;
    });
  };
  /* Commit, after setting again what the LMS refused before and no save has set since
     (an objective, the first status): then one commit stores everything. */
  Scorm.prototype.commit = function () {
    for (var element in this.failed) {
      if (Object.prototype.hasOwnProperty.call(this.failed, element) && !this.tried[element]) {
        this.set(element, this.failed[element]);
      }
    }
    this.tried = {};
    if (!this.call("commit", "")) this.ok = false;
    this.retryLater();
    return this.ok;
  };
  /* After a save: schedule the next try when it failed (the course's ``resave``). */
  Scorm.prototype.retryLater = function () {
    var self = this;
    root.clearTimeout(this.timer);
    this.timer = null;
    if (this.ok || this.finished) { this.retries = 0; return; }
    var delay = RETRY_DELAYS[Math.min(this.retries++, RETRY_DELAYS.length - 1)];
    this.timer = root.setTimeout(function () { self.timer = null; if (self.resave) self.resave(); }, delay);
  };
  /* The objectives the LMS already has, by id. */
  Scorm.prototype.supports = function () {
    var objectives = this.nextIndex("cmi.objectives");
    for (var n = 0; n < objectives; n++) this.objectiveIndex[this.get("cmi.objectives." + n + ".id")] = n;
  };
  /* The objective's index, adding it (id first) when the LMS does not have it yet. */
  Scorm.prototype.objectiveAt = function (id) {
    var n = this.objectiveIndex[id];
    if (n === undefined) {
      n = this.nextIndex("cmi.objectives");
      this.claim("cmi.objectives", n);
      this.objectiveIndex[id] = n;
      this.set("cmi.objectives." + n + ".id", id);
    }
    return n;
  };

  root.CoursepackSCORM = { Scorm: Scorm, findAPI: findAPI };
})(window);

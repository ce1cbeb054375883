/* coursepack video and audio blocks (builder/components/blocks/media.py): chapters, the
 * click-to-load of hosted videos, "watched to 95%" for completion, and xAPI Video Profile
 * statements (https://w3id.org/xapi/video) in xAPI and cmi5 packages.
 *
 * The player is the browser's own <video controls>/<audio controls>: keyboard operable,
 * named for screen readers, with the captions menu, speed, full screen and picture in
 * picture every browser already offers (see docs/authoring.md). Shipped only with a
 * course that has media.
 *
 * Tracking, per player and page load (one "session" of the profile):
 * - initialized (before the first played), played, paused, seeked, completed (once the
 *   played segments cover 95% of the length), terminated (on leaving, if it was played);
 * - result extensions time, time-from/time-to, progress, played-segments; context
 *   extensions length, session-id, completion-threshold, cc-subtitle-enabled/-lang; the
 *   profile as a category context activity.
 * - every target: a media block marked required sets its bit in the resume state
 *   (core.state.watched, see builder/runtime.py) once played to 95%, and the course is
 *   complete only when every required one is set.
 */
(function () {
  "use strict";
  var B = window.CoursepackBlocks;
  var PROFILE = "https://w3id.org/xapi/video";
  var VERB = PROFILE + "/verbs/";
  var EXT = PROFILE + "/extensions/";
  var ADL = "http://adlnet.gov/expapi/verbs/";
  var core = null;           /* the course logic (coursepack.js), once it has started */
  var trackers = [];

  function round(x) { return Math.round(x * 1000) / 1000; }
  function uuid() { return window.CoursepackXAPI ? window.CoursepackXAPI.uuid() : String(Date.now()); }

  /* The union of played segments ([from, to] in seconds), as a sorted list without overlaps. */
  function merged(segments) {
    var s = segments.slice().sort(function (a, b) { return a[0] - b[0]; });
    var out = [];
    s.forEach(function (x) {
      var last = out[out.length - 1];
      if (last && x[0] <= last[1] + 0.05) last[1] = Math.max(last[1], x[1]);
      else out.push([x[0], x[1]]);
    });
    return out;
  }

  function Tracker(fig, player) {
    this.fig = fig;
    this.player = player;
    this.id = fig.getAttribute("data-media");
    this.segments = [];        /* played segments, in the order played */
    this.from = null;          /* start of the segment being played */
    this.last = 0;             /* the last position seen while playing */
    this.session = uuid();
    this.started = false;      /* initialized sent */
    this.completed = false;
    var self = this;
    player.addEventListener("play", function () { self.play(); });
    player.addEventListener("pause", function () { if (!player.ended && !player.seeking) self.pause(); });
    player.addEventListener("timeupdate", function () { self.tick(); });
    player.addEventListener("seeking", function () { self.seeking(); });
    player.addEventListener("seeked", function () { self.seeked(); });
    player.addEventListener("ended", function () { self.ended(); });
  }
  Tracker.prototype.def = function () {
    if (!core || !core.data.media) return null;
    for (var i = 0; i < core.data.media.length; i++) if (core.data.media[i].id === this.id) return { i: i, m: core.data.media[i] };
    return null;
  };
  Tracker.prototype.length = function () {
    var d = this.player.duration;
    return isFinite(d) && d > 0 ? d : 0;
  };
  Tracker.prototype.now = function () { return round(this.player.currentTime || 0); };
  Tracker.prototype.close = function (at) {
    if (this.from !== null && at > this.from) this.segments.push([round(this.from), round(at)]);
    this.from = null;
  };
  Tracker.prototype.progress = function () {
    var len = this.length();
    if (!len) return 0;
    var all = this.segments.slice();
    if (this.from !== null && this.last > this.from) all.push([this.from, this.last]);
    var sum = 0;
    merged(all).forEach(function (x) { sum += x[1] - x[0]; });
    return round(Math.min(1, sum / len));
  };
  /* The segments played so far (the one still playing too), in the order played. */
  Tracker.prototype.playedSegments = function () {
    var all = this.segments.slice();
    if (this.from !== null && this.last > this.from) all.push([round(this.from), round(this.last)]);
    return all.map(function (x) { return x[0] + "[.]" + x[1]; }).join("[,]");
  };
  /* A Video Profile statement through the xAPI or cmi5 adapter (none for SCORM and web). */
  Tracker.prototype.send = function (verb, result) {
    var found = this.def();
    var lms = core && core.lms();
    if (!found || !found.m.activity || !lms || !lms.statement || (core.reviewing && core.reviewing())) return;
    var ext = {};
    ext[EXT + "session-id"] = this.session;
    ext[EXT + "length"] = round(this.length());
    ext[EXT + "completion-threshold"] = found.m.threshold;
    var tracks = this.player.textTracks;
    for (var k = 0; tracks && k < tracks.length; k++) {
      if (tracks[k].kind !== "captions" && tracks[k].kind !== "subtitles") continue;
      ext[EXT + "cc-subtitle-enabled"] = tracks[k].mode === "showing";
      if (tracks[k].language) ext[EXT + "cc-subtitle-lang"] = tracks[k].language;
    }
    var page = found.m.page;
    lms.statement(verb.indexOf(":") > 0 ? verb : VERB + verb, found.m.activity, {
      parent: page !== undefined && core.data.xapi ? core.data.xapi.pages[page].id : undefined,
      category: PROFILE, extensions: ext, result: result ? { extensions: result.ext, completion: result.completion,
                                                            duration: result.duration } : undefined });
    if (lms.flush) lms.flush();
  };
  Tracker.prototype.begin = function () {
    if (this.started) return;
    this.started = true;
    this.send(ADL + "initialized", null);
  };
  Tracker.prototype.ext = function (more) {
    var e = {};
    e[EXT + "time"] = this.now();
    e[EXT + "progress"] = this.progress();
    e[EXT + "played-segments"] = this.playedSegments();
    Object.keys(more || {}).forEach(function (k) { e[EXT + k] = more[k]; });
    return e;
  };
  Tracker.prototype.play = function () {
    this.begin();
    this.from = this.last = this.player.currentTime;
    var e = {};
    e[EXT + "time"] = this.now();
    this.send("played", { ext: e });
  };
  Tracker.prototype.tick = function () {
    if (this.player.seeking) return;
    if (!this.player.paused && this.from !== null) this.last = this.player.currentTime;
    this.check();
  };
  Tracker.prototype.pause = function () {
    this.last = this.player.currentTime;
    this.close(this.last);
    this.send("paused", { ext: this.ext() });
    this.check();
  };
  Tracker.prototype.seeking = function () {
    if (this.seekFrom === undefined || this.seekFrom === null) this.seekFrom = round(this.last || 0);
    this.close(this.last);
  };
  Tracker.prototype.seeked = function () {
    var to = this.now();
    var from = this.seekFrom === null || this.seekFrom === undefined ? to : this.seekFrom;
    this.seekFrom = null;
    this.last = this.player.currentTime;
    if (!this.player.paused) this.from = this.player.currentTime;
    if (!this.started) return;      /* a chapter chosen before playing: nothing to report yet */
    var e = {};
    e[EXT + "time-from"] = from;
    e[EXT + "time-to"] = to;
    this.send("seeked", { ext: e });
  };
  Tracker.prototype.ended = function () {
    this.last = this.player.currentTime;
    this.close(this.player.currentTime);
    this.check();
  };
  /* Played to the threshold: completed (once a session), and the bit in the resume state. */
  Tracker.prototype.check = function () {
    var found = this.def();
    if (!found || this.completed || this.progress() < found.m.threshold) return;
    this.completed = true;
    var watched = 0;
    this.segments.forEach(function (x) { watched += x[1] - x[0]; });
    this.send(ADL + "completed", { ext: this.ext(), completion: true,
                                   duration: "PT" + round(watched) + "S" });
    if (found.m.required && !core.state.watched[found.i]) {
      core.state.watched[found.i] = 1;
      core.persist();
    }
    mark(this.fig);
  };
  Tracker.prototype.leave = function () {
    if (!this.started || this.left) return;
    this.left = true;
    this.close(this.player.paused ? this.last : this.player.currentTime);
    this.send(ADL + "terminated", { ext: this.ext() });
  };

  /* Show "Watched." beside a required block whose bit is set. */
  function mark(fig) {
    var done = fig.querySelector(".cp-media-done");
    if (!done || !core || !core.data.media) return;
    core.data.media.forEach(function (m, i) {
      if (m.id === fig.getAttribute("data-media") && core.state.watched[i]) done.hidden = false;
    });
  }

  /* A hosted video: nothing is fetched from the host until the learner asks. */
  function load(box) {
    var frame = document.createElement("iframe");
    frame.src = box.getAttribute("data-src");
    frame.title = box.getAttribute("data-title");
    frame.className = "cp-hosted-frame";
    frame.setAttribute("allow", "fullscreen; picture-in-picture; encrypted-media");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    box.parentNode.replaceChild(frame, box);
    frame.focus();
  }

  function init(root) {
    B.all(root, "figure.cp-media").forEach(function (fig) {
      if (!B.once(fig, "media")) return;
      var player = fig.querySelector("video, audio");
      if (player) trackers.push(new Tracker(fig, player));
      B.all(fig, ".cp-chapter").forEach(function (button) {
        button.addEventListener("click", function () {
          player.currentTime = parseFloat(button.getAttribute("data-start")) || 0;
          player.focus();
        });
      });
      B.all(fig, ".cp-hosted-load").forEach(function (button) {
        button.addEventListener("click", function () { load(button.closest(".cp-hosted")); });
      });
      mark(fig);
    });
  }

  B.register("media", init);
  /* printed, every transcript is open (and closed again after) */
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = B.all(document, "details.cp-transcript:not([open])");
    opened.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
  (window.CoursepackFeatures = window.CoursepackFeatures || []).push(function (c) {
    core = c;
    /* for completion and the result screen: the page of the first required block not
       played to 95% yet, or null */
    c.unwatched = function () {
      for (var i = 0; i < c.data.media.length; i++) {
        if (c.data.media[i].required && !c.state.watched[i]) return c.data.media[i].page;
      }
      return null;
    };
    /* once the saved state is read: the required blocks already watched say so */
    c.begun.push(function () { B.all(document, "figure.cp-media").forEach(mark); });
    window.addEventListener("pagehide", function () {
      trackers.forEach(function (tr) { tr.leave(); });
    });
  });
})();

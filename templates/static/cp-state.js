/* coursepack resume state: what cmi.suspend_data (or the xAPI state document) holds.
 *
 * Format 2 is keyed by stable ids and packed; builder/state.py documents it and computes
 * its longest length at build time. Format 1 (packages before it) is still read.
 * decode() checks everything before it changes anything: damaged, truncated, foreign or
 * out-of-range state is refused as a whole, and the course starts afresh.
 *
 *   var codec = CoursepackState.codec(data, shownFor);   // shownFor(i, seed) -> positions
 *   codec.encode(S)   -> text
 *   codec.decode(text) -> { ok: true, visited, kc, asmt, dropped } or { ok: false, reason }
 */
(function (root) {
  "use strict";

  var Q = root.CoursepackQuestions;
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var CHARS = Q.CHARS;
  /* How an answer of this shape's type is packed: its question type's form (see
     builder/components/questions/base.py, answer_form): "option", "options", "pairs",
     "order" or "text". The build ships the scripts of every type a shape can name. */
  function form(q) {
    var type = Q.type(q);
    if (!type) throw "type";
    return type.form;
  }

  /* 4 base64url characters of a 24-bit FNV-1a hash (the 32-bit one, Q.hash, folded): a
     damaged or cut state fails it */
  function check(text) {
    var h = Q.hash(text);
    h = (h ^ (h >>> 24)) & 0xffffff;
    return B64.charAt(h >> 18) + B64.charAt((h >> 12) & 63) + B64.charAt((h >> 6) & 63) + B64.charAt(h & 63);
  }

  function bitsFor(values) { var b = 1; while ((1 << b) < values) b++; return b; }

  /* ------------------------------------------------------------ bit fields -------- */

  function Writer() { this.out = ""; this.acc = 0; this.n = 0; }
  Writer.prototype.put = function (value, width) {
    for (var b = width - 1; b >= 0; b--) {
      this.acc = (this.acc << 1) | (Math.floor(value / Math.pow(2, b)) & 1);
      if (++this.n === 6) { this.out += B64.charAt(this.acc); this.acc = 0; this.n = 0; }
    }
  };
  Writer.prototype.done = function () {
    if (this.n) this.out += B64.charAt(this.acc << (6 - this.n));
    this.acc = 0; this.n = 0;
    return this.out;
  };

  function Reader(text) {
    this.text = text; this.pos = 0;    /* in bits */
    for (var i = 0; i < text.length; i++) if (B64.indexOf(text.charAt(i)) < 0) throw "bits";
  }
  Reader.prototype.get = function (width) {
    var v = 0;
    for (var b = 0; b < width; b++) {
      var c = this.pos >> 0, ch = Math.floor(c / 6);
      if (ch >= this.text.length) throw "short";
      var x = B64.indexOf(this.text.charAt(ch));
      v = v * 2 + ((x >> (5 - c % 6)) & 1);
      this.pos++;
    }
    return v;
  };
  /* every character used, the padding bits zero */
  Reader.prototype.end = function () {
    if (Math.ceil(this.pos / 6) !== this.text.length) throw "long";
    while (this.pos % 6) if (this.get(1)) throw "padding";
  };

  /* ------------------------------------------------------------ answers ----------- */

  /* Is ``ans`` an answer the runtime could have stored for a question of this shape
     ({type, n, maxLength})? */
  function valid(q, ans) {
    if (typeof ans !== "string") return false;
    if (ans === "") return true;
    var n = q.n, i, seen = {};
    switch (form(q)) {
      case "text": return ans.length <= q.maxLength && (!Q.type(q).accepts || Q.type(q).accepts(ans));
      case "options":
        for (i = 0; i < ans.length; i++) {
          var p = CHARS.indexOf(ans.charAt(i));
          if (p < 0 || p >= n || (i && CHARS.indexOf(ans.charAt(i - 1)) >= p)) return false;
        }
        return true;
      case "pairs":
        if (ans.length !== n) return false;
        for (i = 0; i < n; i++) {
          var c = ans.charAt(i);
          if (c !== "-" && !(CHARS.indexOf(c) >= 0 && CHARS.indexOf(c) < n)) return false;
        }
        return true;
      case "order":
        if (ans.length !== n) return false;
        for (i = 0; i < n; i++) {
          var s = CHARS.indexOf(ans.charAt(i));
          if (s < 0 || s >= n || seen[s]) return false;
          seen[s] = 1;
        }
        return true;
      default:
        return ans.length === 1 && CHARS.indexOf(ans) >= 0 && CHARS.indexOf(ans) < n;
    }
  }

  function packAnswers(shapes, answers) {
    var w = new Writer(), texts = [];
    shapes.forEach(function (q, k) {
      var ans = answers[k] || "";
      if (!valid(q, ans)) ans = "";                 /* never write what cannot be read */
      var n = q.n, i, f = form(q);
      if (f === "text") { texts.push(Q.escape(ans)); return; }
      if (f === "options") {
        for (i = 0; i < n; i++) w.put(ans.indexOf(CHARS.charAt(i)) >= 0 ? 1 : 0, 1);
      } else if (f === "pairs") {
        w.put(ans ? 1 : 0, 1);
        for (i = 0; i < n; i++) w.put(ans && ans.charAt(i) !== "-" ? CHARS.indexOf(ans.charAt(i)) + 1 : 0, bitsFor(n + 1));
      } else if (f === "order") {
        w.put(ans ? 1 : 0, 1);
        for (i = 0; i < n; i++) w.put(ans ? CHARS.indexOf(ans.charAt(i)) : 0, bitsFor(n));
      } else {
        w.put(ans ? CHARS.indexOf(ans) + 1 : 0, bitsFor(n + 1));
      }
    });
    return w.done() + ":" + texts.join(",");
  }

  /* The answers packed by packAnswers for these shapes; throws when damaged. */
  function unpackAnswers(shapes, text) {
    var cut = text.indexOf(":");
    if (cut < 0) throw "answers";
    var r = new Reader(text.slice(0, cut));
    var rest = text.slice(cut + 1);
    /* exactly one text per typed answer (fill-in, numeric), "" when none is typed */
    var typed = shapes.filter(function (q) { return form(q) === "text"; }).length;
    var texts = typed ? rest.split(",") : [];
    if (texts.length !== typed || (!typed && rest !== "")) throw "texts";
    var t = 0;
    var out = shapes.map(function (q) {
      var n = q.n, i, ans = "", f = form(q);
      if (f === "text") {
        if (t >= texts.length) throw "texts";
        if (/%(?![0-9A-F]{2})/.test(texts[t])) throw "escape";
        ans = Q.unescape(texts[t++]);
      } else if (f === "options") {
        for (i = 0; i < n; i++) if (r.get(1)) ans += CHARS.charAt(i);
      } else if (f === "pairs") {
        var on = r.get(1);
        for (i = 0; i < n; i++) {
          var v = r.get(bitsFor(n + 1));
          if (v > n || (!on && v)) throw "range";
          ans += v ? CHARS.charAt(v - 1) : "-";
        }
        if (!on) ans = "";
      } else if (f === "order") {
        var set = r.get(1);
        for (i = 0; i < n; i++) {
          var s = r.get(bitsFor(n));
          if (!set && s) throw "range";
          ans += CHARS.charAt(s);
        }
        if (!set) ans = "";
      } else {
        var c = r.get(bitsFor(n + 1));
        if (c > n) throw "range";
        ans = c ? CHARS.charAt(c - 1) : "";
      }
      if (!valid(q, ans)) throw "range";
      return ans;
    });
    r.end();
    return out;
  }

  /* ------------------------------------------------------------ visited pages ----- */

  function packVisited(visited, P) {
    var w = new Writer();
    for (var i = 0; i < P; i++) w.put(visited[i] ? 1 : 0, 1);
    var raw = "r" + w.done();
    var runs = "l", cur = 0, len = 0;
    function varint(x) {
      do { var d = x & 31; x = Math.floor(x / 32); runs += B64.charAt(d | (x ? 32 : 0)); } while (x);
    }
    for (var p = 0; p < P; p++) {
      var v = visited[p] ? 1 : 0;
      if (v !== cur) { varint(len); cur = v; len = 0; }
      len++;
    }
    varint(len);
    return runs.length < raw.length ? runs : raw;
  }

  function unpackVisited(text, P) {
    var out = [], i;
    if (text.charAt(0) === "r") {
      var r = new Reader(text.slice(1));
      for (i = 0; i < P; i++) out.push(r.get(1));
      r.end();
      return out;
    }
    if (text.charAt(0) !== "l") throw "visited";
    var cur = 0, pos = 1;
    while (pos < text.length) {
      var x = 0, mul = 1, d;
      do {
        if (pos >= text.length) throw "short";
        d = B64.indexOf(text.charAt(pos++));
        if (d < 0) throw "visited";
        x += (d & 31) * mul; mul *= 32;
      } while (d & 32);
      if (out.length + x > P) throw "long";
      for (i = 0; i < x; i++) out.push(cur);
      cur = 1 - cur;
    }
    if (out.length !== P) throw "short";
    return out;
  }

  /* ------------------------------------------------------------ the codec --------- */

  /* ``size`` times ``value`` */
  function blank(size, value) {
    var out = [];
    for (var k = 0; k < size; k++) out.push(value);
    return out;
  }

  /* An assessment not attempted yet. */
  function fresh() { return { n: 0, sub: false, score: null, seed: "", answers: [], path: "" }; }

  function codec(data, shownFor) {
    var st = data.state;
    var P = data.pageCount;
    var KCS = data.kcs.map(function (q) { return { type: q.type, n: q.n, maxLength: q.maxLength || 0 }; });

    function questionsShown(i, seed) {
      var def = data.assessments[i];
      return shownFor(i, seed).map(function (k) { return def.questions[k]; });
    }

    function encode(S) {
      var as = S.asmt.map(function (a, i) {
        var def = data.assessments[i];
        var body = def.branching ? a.path : packAnswers(questionsShown(i, a.seed), a.answers);
        return def.key + def.fp + Math.min(a.n, 9999) + (a.sub ? "!" : "") +
          (a.score === null ? "" : "=" + a.score) + (a.seed ? "~" + a.seed : "") + ":" + body;
      });
      var parts = ["2", st.course + st.ref, packVisited(S.visited, P), packAnswers(KCS, S.kc),
                   as.join(";")];
      /* media played to 95% (blocks/media.js), only in courses with media: the 4-character
         keys of those watched, so a republish keeps them by id */
      if (data.media) parts.push(data.media.map(function (m, i) { return S.watched[i] ? m.key : ""; }).join(""));
      var body = parts.join("|");
      return body + "|" + check(body);
    }

    /* A scenario path is valid when every step is a choice of the node reached (the walk
       is cp-scenario.js's, which a course with a scenario ships). */
    function validPath(def, path) { return !!root.CoursepackScenario.walk(def, path); }

    /* An attempt's counters, checked; throws when out of range. */
    function head(i, m) {
      var def = data.assessments[i];
      var a = { n: +m.n, sub: !!m.sub, score: m.score === undefined || m.score === "" ? null : +m.score,
                seed: m.seed || "", answers: [], path: "" };
      if (a.n > 9999 || (a.score !== null && (a.score > 100 || !a.n)) || (a.sub && !a.n)) throw "range";
      if (a.seed && !(!def.branching && (def.draw > 0 || def.shuffle))) throw "seed";
      return a;
    }

    /* One assessment's attempt; throws when out of range. */
    function attempt(i, m, body, same) {
      var def = data.assessments[i];
      var a = head(i, m);
      if (!same) {              /* the assessment changed: its attempts and score stay */
        var out = def.attempts > 0 && a.n >= def.attempts && a.n > 0;
        var kept = { n: a.n, sub: out, score: a.score, seed: "", answers: [], path: "" };
        if (out && !def.branching) kept.answers = shownFor(i, "").map(function () { return ""; });
        return kept;
      }
      if (def.branching) {
        if (!validPath(def, body)) throw "path";
        a.path = body;
      } else {
        a.answers = unpackAnswers(questionsShown(i, a.seed), body);
      }
      return a;
    }

    /* States of earlier releases (data.state.prev): read through their maps by
       cp-state-earlier.js, which a package carries when the build had such maps. */
    var earlier = root.CoursepackStateEarlier ? root.CoursepackStateEarlier(data, attempt) : null;

    /* The media watched, one 0/1 per entry of data.media, from their keys; keys of media
       no longer in the course are dropped. Throws when the text is not a list of keys. */
    function watchedOf(text) {
      if (text.length % 4 || /[^A-Za-z0-9_-]/.test(text)) throw "media";
      var keys = {};
      for (var k = 0; k < text.length; k += 4) keys[text.slice(k, k + 4)] = 1;
      return (data.media || []).map(function (m) { return keys[m.key] ? 1 : 0; });
    }

    function decode2(parts, text) {
      if ((parts.length !== 6 && parts.length !== 7) || parts[1].length !== 10) throw "fields";
      if (check(text.slice(0, text.lastIndexOf("|"))) !== parts[parts.length - 1]) throw "check";
      var watched = watchedOf(parts.length === 7 ? parts[5] : "");
      if (parts[1].slice(0, 4) !== st.course) throw "foreign";
      var ref = parts[1].slice(4);
      var dropped = { pages: 0, kcs: 0, answers: 0 };
      var visited, kc;
      if (ref === st.ref) {
        visited = unpackVisited(parts[2], P);
        kc = unpackAnswers(KCS, parts[3]);
      } else if (earlier && (visited = earlier.v2(ref, parts, dropped))) {
        kc = visited[1];
        visited = visited[0];
      } else {                  /* a release this package does not know: only ids count */
        visited = blank(P, 0);
        kc = blank(data.kcs.length, "");
        dropped.pages = dropped.kcs = -1;
      }
      var asmt = data.assessments.map(fresh);
      var seen = {};
      (parts[4] === "" ? [] : parts[4].split(";")).forEach(function (entry) {
        var m = /^([A-Za-z0-9_-]{4})([A-Za-z0-9_-]{4})(\d{1,4})(!?)(?:=(\d{1,3}))?(?:~([0-9a-z]{4}))?:(.*)$/.exec(entry);
        if (!m || seen[m[1]]) throw "assessment";
        seen[m[1]] = 1;
        for (var i = 0; i < data.assessments.length; i++) {
          var def = data.assessments[i];
          if (def.key !== m[1]) continue;
          var same = def.fp === m[2];
          if (!same) dropped.answers++;
          asmt[i] = attempt(i, { n: m[3], sub: m[4], score: m[5], seed: m[6] }, m[7], same);
          return;
        }
        /* an assessment no longer in the course: nothing to keep */
      });
      return { ok: true, format: 2, visited: visited, kc: kc, asmt: asmt, dropped: dropped,
               watched: watched };
    }

    /* Format 1 (``1|HASH|VISITED|KC|A;A;...``, by position): read when HASH is this
       course's structure, or an earlier release's that the build was given
       (``coursepack build --previous``), through its map. */
    function decode1(parts) {
      if (parts.length !== 5) throw "fields";
      var old = null;
      if (parts[1] !== data.hash && !(old = earlier && earlier.v1(parts[1]))) throw "foreign";
      var pages = old ? old.pages : P;
      var shapes = old ? old.shapes : KCS;
      var raw = parts[2];
      if (raw.length !== Math.ceil(pages / 6) || /[^A-Za-z0-9_-]/.test(raw)) throw "visited";
      var visited = [];
      for (var c = 0; c < raw.length; c++) {
        var x = B64.indexOf(raw.charAt(c));
        for (var b = 0; b < 6; b++) if (c * 6 + b < pages) visited[c * 6 + b] = (x >> b) & 1;
          else if ((x >> b) & 1) throw "visited";
      }
      var kc = shapes.length ? parts[3].split(",").map(Q.unescape) : [];
      if (kc.length !== shapes.length || (!shapes.length && parts[3] !== "")) throw "kc";
      kc.forEach(function (ans, k) { if (!valid(shapes[k], ans)) throw "range"; });
      var as = parts[4] === "" ? [] : parts[4].split(";");
      if (as.length !== (old ? old.asmts.length : data.assessments.length)) throw "assessments";
      var asmt = data.assessments.map(fresh);
      var dropped = { pages: 0, kcs: 0, answers: 0 };
      as.forEach(function (text, k) {
        var m = /^(\d{1,4})(!?)(?:=(\d{1,3}))?(?:~([0-9a-z]{4}))?:(.*)$/.exec(text);
        if (!m) throw "assessment";
        var target = old ? old.asmts[k][0] : k;
        var fields = { n: m[1], sub: m[2], score: m[3], seed: m[4] };
        if (target < 0) return;                       /* an assessment no longer there */
        if (old && !old.asmts[k][1]) return old.changed(asmt, target, fields, dropped);
        var def = data.assessments[target];
        var a = head(target, fields);
        if (def.branching) {
          if (!validPath(def, m[5])) throw "path";
          a.path = m[5];
        } else {
          var qs = questionsShown(target, a.seed);
          var answers = qs.length === 1 ? [Q.unescape(m[5])] : m[5].split(",").map(Q.unescape);
          if (m[5] === "" && !a.sub) answers = qs.map(function () { return ""; });
          if (answers.length !== qs.length) throw "answers";
          answers.forEach(function (ans, n) { if (!valid(qs[n], ans)) throw "range"; });
          a.answers = answers;
        }
        asmt[target] = a;
      });
      if (old) {
        kc = old.map(visited, kc, dropped);
        visited = kc[0];
        kc = kc[1];
      }
      return { ok: true, format: 1, visited: visited, kc: kc, asmt: asmt, dropped: dropped,
               watched: watchedOf("") };
    }

    function decode(text) {
      text = String(text || "");
      if (!text) return { ok: false, reason: "empty" };
      var parts = text.split("|");
      try {
        if (parts[0] === "2") return decode2(parts, text);
        if (parts[0] === "1") return decode1(parts);
        return { ok: false, reason: "format" };
      } catch (e) {
        return { ok: false, reason: typeof e === "string" ? e : "error: " + e };
      }
    }

    return { encode: encode, decode: decode };
  }

  root.CoursepackState = { codec: codec, fresh: fresh, valid: valid, check: check, packAnswers: packAnswers,
                           unpackAnswers: unpackAnswers, packVisited: packVisited,
                           unpackVisited: unpackVisited, blank: blank };
})(window);

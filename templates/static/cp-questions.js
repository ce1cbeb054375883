/* coursepack question types: reading, restoring, scoring and reporting answers.
 *
 * An answer is a short string, the same for the resume state and for scoring:
 * - choice, multiple, true-false, likert: the positions of the chosen options as
 *   characters 0-9a-z, sorted ("" = unanswered);
 * - matching: for each source in authored order, the chosen target's position, or "-";
 * - sequencing: the item positions in the order the learner put them;
 * - fill-in, numeric: the typed text.
 * Positions refer to the authored order, so shuffling the display changes nothing here.
 */
(function (root) {
  "use strict";

  var CHARS = "0123456789abcdefghijklmnopqrstuvwxyz";
  var NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;

  function $$(sel, el) { return Array.prototype.slice.call(el.querySelectorAll(sel)); }
  function ch(i) { return CHARS.charAt(i); }
  /* The selects of a matching or sequencing question; data-i is the authored position. */
  function selects(fieldset) { return $$("select[data-i]", fieldset); }
  function pos(c) { return CHARS.indexOf(c); }

  /* Learner-typed text: trimmed, inner white space folded. */
  function clean(text) { return String(text).replace(/\s+/g, " ").trim(); }
  function number(text) {
    text = clean(text);
    return NUMBER.test(text) ? parseFloat(text.replace(",", ".")) : NaN;
  }

  /* The current answer in a question's fieldset. */
  function read(fieldset, q) {
    switch (q.type) {
      case "matching":
        var pairs = [];
        selects(fieldset).forEach(function (s) { pairs[+s.dataset.i] = s.value === "" ? "-" : ch(+s.value); });
        return pairs.join("");
      case "sequencing":
        var order = [];
        var ok = true;
        selects(fieldset).forEach(function (s) {   /* option values are positions 1..n */
          var at = +s.value - 1;
          if (s.value === "" || order[at] !== undefined) ok = false;
          else order[at] = ch(+s.dataset.i);
        });
        return ok && order.join("").length === q.n ? order.join("") : "";
      case "fill-in":
        return clean($$("input", fieldset)[0].value).slice(0, q.maxLength);
      case "numeric":
        var text = clean($$("input", fieldset)[0].value).slice(0, q.maxLength);
        return isNaN(number(text)) ? "" : text;
      default:
        return $$("input", fieldset).filter(function (i) { return i.checked; })
          .map(function (i) { return +i.value; }).sort(function (a, b) { return a - b; })
          .map(ch).join("");
    }
  }

  function restore(fieldset, q, answer) {
    answer = answer || "";
    switch (q.type) {
      case "matching":
        selects(fieldset).forEach(function (s) {
          var c = answer.charAt(+s.dataset.i);
          s.value = c && c !== "-" ? String(pos(c)) : "";
        });
        break;
      case "sequencing":
        selects(fieldset).forEach(function (s) {
          var at = answer.indexOf(ch(+s.dataset.i));
          s.value = at >= 0 ? String(at + 1) : "";
        });
        break;
      case "fill-in":
      case "numeric":
        $$("input", fieldset)[0].value = answer;
        break;
      default:
        $$("input", fieldset).forEach(function (i) { i.checked = answer.indexOf(ch(+i.value)) >= 0; });
    }
  }

  function setDisabled(fieldset, disabled) {
    $$("input, select", fieldset).forEach(function (el) { el.disabled = disabled; });
  }

  /* What the learner still has to do before an answer can be checked: the message key
     (the same rule for every type), or "" when the answer is complete. */
  function missing(fieldset, q) {
    var answer = read(fieldset, q);
    switch (q.type) {
      case "matching": return answer.indexOf("-") >= 0 ? "missing_match" : "";
      case "sequencing": return answer ? "" : "missing_order";
      case "fill-in": return answer ? "" : "missing_text";
      case "numeric": return answer ? "" : "missing_number";
      case "multiple": return answer ? "" : "missing_multiple";
      case "likert": return answer ? "" : "missing_rating";
      default: return answer ? "" : "missing_choice";
    }
  }

  /* Is the answer right? null for questions that have no right answer (likert). */
  function isCorrect(q, answer) {
    if (q.type === "likert") return null;
    if (!answer) return false;
    switch (q.type) {
      case "matching":
        for (var i = 0; i < q.n; i++) if (answer.charAt(i) !== ch(i)) return false;
        return true;
      case "sequencing":
        for (var k = 0; k < q.n; k++) if (answer.charAt(k) !== ch(k)) return false;
        return answer.length === q.n;
      case "fill-in":
        var given = q.caseSensitive ? clean(answer) : clean(answer).toLowerCase();
        return q.accepted.some(function (a) { return (q.caseSensitive ? clean(a) : clean(a).toLowerCase()) === given; });
      case "numeric":
        var x = number(answer);
        return !isNaN(x) && x >= q.min - 1e-9 && x <= q.max + 1e-9;
      default:
        var want = q.correct.map(ch).join("");
        return answer.split("").sort().join("") === want;
    }
  }

  /* The answer in the SCORM 2004 formats (also xAPI's result.response): component ids
     joined with [,], matching pairs as source[.]target. */
  function response2004(q, answer) {
    var ids = q.ids || [];
    switch (q.type) {
      case "true-false": return answer === "0" ? "true" : answer === "1" ? "false" : "";
      case "fill-in": return answer;
      case "numeric": return String(number(answer));
      case "matching":
        return answer.split("").map(function (c, i) {
          return c === "-" ? null : ids[i] + "[.]" + q.targetIds[pos(c)];
        }).filter(Boolean).join("[,]");
      default:
        return answer.split("").map(function (c) { return ids[pos(c)]; }).join("[,]");
    }
  }

  /* Resume-state escaping: the separators of the state format are %-encoded. */
  function escape(text) { return String(text).replace(/[%,;|]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); }); }
  function unescape(text) { return String(text).replace(/%(25|2C|3B|7C)/g, function (m, h) { return String.fromCharCode(parseInt(h, 16)); }); }

  /* A small seeded generator (mulberry32) and a Fisher-Yates shuffle with it. */
  function rng(seed) {
    var a = seed >>> 0;
    return function () {
      a = (a + 0x6D2B79F5) >>> 0;
      var t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  function hash(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    return h >>> 0;
  }
  function permutation(n, random) {
    var p = [];
    for (var i = 0; i < n; i++) p.push(i);
    for (var j = n - 1; j > 0; j--) {
      var k = Math.floor(random() * (j + 1));
      var tmp = p[j]; p[j] = p[k]; p[k] = tmp;
    }
    return p;
  }

  /* The questions of a drawn attempt: ``n`` of them, their positions in the order shown.
     ``objectives`` holds each question's objective ids. Walking a random permutation, a
     question is taken when it assesses an objective not covered yet; the slots left are
     filled in permutation order. Each question taken covers at least one new objective, so
     when the pool has no more objectives than ``n`` (the build checks), every objective of
     the pool is in every draw. */
  function draw(objectives, n, random) {
    var order = permutation(objectives.length, random);
    var covered = {}, taken = [], count = 0;
    order.forEach(function (qi) {
      var fresh = objectives[qi].filter(function (o) { return !covered[o]; });
      if (!fresh.length || count >= n) return;
      fresh.forEach(function (o) { covered[o] = true; });
      taken[qi] = true;
      count++;
    });
    order.forEach(function (qi) { if (!taken[qi] && count < n) { taken[qi] = true; count++; } });
    return order.filter(function (qi) { return taken[qi]; });
  }

  /* Show the options of a question in the order ``order`` (authored positions). Options
     are found by their authored position, not their place on screen, so arranging twice
     with the same order gives the same order. */
  function arrange(fieldset, q, order) {
    if (q.type === "matching") {
      selects(fieldset).forEach(function (s) {
        var opts = [];
        $$("option", s).forEach(function (o) { if (o.value !== "") opts[+o.value] = o; });
        order.forEach(function (i) { s.appendChild(opts[i]); });
      });
    } else if (q.type === "sequencing" || q.type === "choice" || q.type === "multiple") {
      var items = [];
      $$(".cp-choice", fieldset).forEach(function (el) {
        var control = el.querySelector("input, select");
        items[control.dataset.i !== undefined ? +control.dataset.i : +control.value] = el;
      });
      var box = items[0] && items[0].parentNode;
      if (box) order.forEach(function (i) { box.appendChild(items[i]); });
    }
  }

  root.CoursepackQuestions = {
    CHARS: CHARS, read: read, missing: missing, restore: restore, setDisabled: setDisabled, isCorrect: isCorrect,
    number: number, response2004: response2004, escape: escape, unescape: unescape, rng: rng, hash: hash,
    permutation: permutation, draw: draw, arrange: arrange
  };
})(window);

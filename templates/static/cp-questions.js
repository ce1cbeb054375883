/* coursepack question types: the registry the type modules (static/questions/*.js) fill,
 * and what they share.
 *
 * An answer is a short string, the same for the resume state and for scoring:
 * - choice, multiple, true-false, likert: the positions of the chosen options as
 *   characters 0-9a-z, sorted ("" = unanswered);
 * - matching: for each source in authored order, the chosen target's position, or "-";
 * - sequencing: the item positions in the order the learner put them;
 * - fill-in, numeric: the typed text.
 * Positions refer to the authored order, so shuffling the display changes nothing here.
 *
 * A type module calls CoursepackQuestions.register(name, type) with a type object:
 *   read(fieldset, q)          the current answer in the question's fieldset
 *   restore(fieldset, q, a)    show answer a
 *   missing(fieldset, q)       the message key of what is left to do, or ""
 *   isCorrect(q, a)            true or false; null when there is no right answer
 *   response2004(q, a)         the learner response in the SCORM 2004 format (also xAPI's)
 *   response12(q, a)           the learner response in the SCORM 1.2 format
 *   arrange(fieldset, q, order) show the options in this order (authored positions)
 *   scramble                   "order" (the items start scrambled, never right) or
 *                              "targets" (the targets are shown in a seeded order), or ""
 *   optionFeedback             the answer is option positions: show each chosen option's
 *                              feedback
 *   form                       how the resume state packs the answer (cp-state.js):
 *                              "option", "options", "pairs", "order" or "text"
 *   accepts(text)              "text" answers: could the runtime have stored this text?
 * Q.options(overrides) is the type of options to pick (radio or checkbox), which most
 * types start from. The functions below dispatch on q.type.
 */
(function (root) {
  "use strict";

  var CHARS = "0123456789abcdefghijklmnopqrstuvwxyz";
  var types = {};

  function $$(sel, el) { return Array.prototype.slice.call(el.querySelectorAll(sel)); }
  function ch(i) { return CHARS.charAt(i); }
  /* The selects of a matching or sequencing question; data-i is the authored position. */
  function selects(fieldset) { return $$("select[data-i]", fieldset); }
  function pos(c) { return CHARS.indexOf(c); }

  /* Learner-typed text: trimmed, inner white space folded. */
  function clean(text) { return String(text).replace(/\s+/g, " ").trim(); }

  /* Options found by their authored position, not their place on screen, so arranging
     twice with the same order gives the same order. */
  function arrangeItems(fieldset, order) {
    var items = [];
    $$(".cp-choice", fieldset).forEach(function (el) {
      var control = el.querySelector("input, select");
      items[control.dataset.i !== undefined ? +control.dataset.i : +control.value] = el;
    });
    var box = items[0] && items[0].parentNode;
    if (box) order.forEach(function (i) { box.appendChild(items[i]); });
  }

  /* The type of options to pick (choice, multiple, true-false, likert), with overrides. */
  function options(overrides) {
    var type = {
      read: function (fieldset) {
        return $$("input", fieldset).filter(function (i) { return i.checked; })
          .map(function (i) { return +i.value; }).sort(function (a, b) { return a - b; })
          .map(ch).join("");
      },
      restore: function (fieldset, q, answer) {
        $$("input", fieldset).forEach(function (i) { i.checked = answer.indexOf(ch(+i.value)) >= 0; });
      },
      missingKey: "missing_choice",
      missing: function (fieldset, q) { return this.read(fieldset, q) ? "" : this.missingKey; },
      isCorrect: function (q, answer) {
        if (!answer) return false;
        var want = q.correct.map(ch).join("");
        return answer.split("").sort().join("") === want;
      },
      response2004: function (q, answer) {
        var ids = q.ids || [];
        return answer.split("").map(function (c) { return ids[pos(c)]; }).join("[,]");
      },
      response12: function (q, answer) { return answer.split("").join(","); },
      arrange: null,
      scramble: "",
      optionFeedback: true,
      form: "option"
    };
    for (var k in overrides) if (Object.prototype.hasOwnProperty.call(overrides, k)) type[k] = overrides[k];
    return type;
  }

  function register(name, type) { types[name] = type; }
  function type(q) { return types[q.type]; }

  function read(fieldset, q) { return type(q).read(fieldset, q); }
  function restore(fieldset, q, answer) { type(q).restore(fieldset, q, answer || ""); }
  function setDisabled(fieldset, disabled) {
    $$("input, select", fieldset).forEach(function (el) { el.disabled = disabled; });
  }
  /* What the learner still has to do before an answer can be checked: the message key
     (the same rule for every type), or "" when the answer is complete. */
  function missing(fieldset, q) { return type(q).missing(fieldset, q); }
  /* Is the answer right? null for questions that have no right answer (likert). */
  function isCorrect(q, answer) { return type(q).isCorrect(q, answer); }
  /* The answer in the SCORM 2004 formats (also xAPI's result.response): component ids
     joined with [,], matching pairs as source[.]target. */
  function response2004(q, answer) { return type(q).response2004(q, answer); }
  /* cmi.interactions.n.student_response in the SCORM 1.2 format of the type. */
  function response12(q, answer) { return type(q).response12(q, answer); }
  /* Show the options of a question in the order ``order`` (authored positions). */
  function arrange(fieldset, q, order) { if (type(q).arrange) type(q).arrange(fieldset, q, order); }

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

  root.CoursepackQuestions = {
    CHARS: CHARS, register: register, type: type, options: options, read: read, missing: missing,
    restore: restore, setDisabled: setDisabled, isCorrect: isCorrect, clean: clean,
    response2004: response2004, response12: response12, escape: escape, unescape: unescape, rng: rng,
    hash: hash, permutation: permutation, arrange: arrange, arrangeItems: arrangeItems,
    selects: selects, $$: $$, ch: ch, pos: pos
  };
})(window);

/* coursepack question type "fill-in" (see cp-questions.js): the answer is the typed text. */
(function (Q) {
  "use strict";
  Q.register("fill-in", {
    read: function (fieldset, q) { return Q.clean(Q.$$("input", fieldset)[0].value).slice(0, q.maxLength); },
    restore: function (fieldset, q, answer) { Q.$$("input", fieldset)[0].value = answer; },
    missing: function (fieldset, q) { return this.read(fieldset, q) ? "" : "missing_text"; },
    isCorrect: function (q, answer) {
      if (!answer) return false;
      var fold = function (text) { return q.caseSensitive ? Q.clean(text) : Q.clean(text).toLowerCase(); };
      var given = fold(answer);
      return q.accepted.some(function (a) { return fold(a) === given; });
    },
    response2004: function (q, answer) { return answer; },
    response12: function (q, answer) { return answer.slice(0, 255); },
    arrange: null,
    scramble: "",
    optionFeedback: false,
    form: "text"
  });
})(window.CoursepackQuestions);

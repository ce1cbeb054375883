/* coursepack question type "numeric" (see cp-questions.js): the answer is the typed
   number as written (a comma may be the decimal separator); anything else is no answer. */
(function (Q) {
  "use strict";
  var NUMBER = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)$/;
  /* The number a typed text means, or NaN. */
  function number(text) {
    text = Q.clean(text);
    return NUMBER.test(text) ? parseFloat(text.replace(",", ".")) : NaN;
  }
  Q.register("numeric", {
    read: function (fieldset, q) {
      var text = Q.clean(Q.$$("input", fieldset)[0].value).slice(0, q.maxLength);
      return isNaN(number(text)) ? "" : text;
    },
    restore: function (fieldset, q, answer) { Q.$$("input", fieldset)[0].value = answer; },
    missing: function (fieldset, q) { return this.read(fieldset, q) ? "" : "missing_number"; },
    isCorrect: function (q, answer) {
      if (!answer) return false;
      var x = number(answer);
      return !isNaN(x) && x >= q.min - 1e-9 && x <= q.max + 1e-9;
    },
    response2004: function (q, answer) { return String(number(answer)); },
    response12: function (q, answer) { return String(number(answer)); },
    arrange: null,
    scramble: "",
    optionFeedback: false,
    form: "text",
    accepts: function (text) { return !isNaN(number(text)); }
  });
})(window.CoursepackQuestions);

/* coursepack question type "multiple": select all that apply (see cp-questions.js). */
(function (Q) {
  "use strict";
  Q.register("multiple", Q.options({
    missingKey: "missing_multiple",
    form: "options",
    arrange: function (fieldset, q, order) { Q.arrangeItems(fieldset, order); }
  }));
})(window.CoursepackQuestions);

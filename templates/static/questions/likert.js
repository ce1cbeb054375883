/* coursepack question type "likert": a rating, never right or wrong (see cp-questions.js). */
(function (Q) {
  "use strict";
  Q.register("likert", Q.options({
    missingKey: "missing_rating",
    isCorrect: function () { return null; }
  }));
})(window.CoursepackQuestions);

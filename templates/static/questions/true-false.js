/* coursepack question type "true-false" (see cp-questions.js): option 0 is true. */
(function (Q) {
  "use strict";
  Q.register("true-false", Q.options({
    response2004: function (q, answer) { return answer === "0" ? "true" : answer === "1" ? "false" : ""; },
    response12: function (q, answer) { return answer === "0" ? "t" : answer === "1" ? "f" : ""; }
  }));
})(window.CoursepackQuestions);

/* coursepack question type "choice": one right option (see cp-questions.js). */
(function (Q) {
  "use strict";
  Q.register("choice", Q.options({ arrange: function (fieldset, q, order) { Q.arrangeItems(fieldset, order); } }));
})(window.CoursepackQuestions);

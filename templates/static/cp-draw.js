/* coursepack: quizzes that draw their questions (``draw:`` of a quiz). Packages carry it
 * only when one of their quizzes draws (builder/render.py); it adds draw() to the question
 * types' shared functions (cp-questions.js).
 */
(function (Q) {
  "use strict";

  /* The questions of a drawn attempt: ``n`` of them, their positions in the order shown.
     ``objectives`` holds each question's objective ids. Walking a random permutation, a
     question is taken when it assesses an objective not covered yet; the slots left are
     filled in permutation order. Each question taken covers at least one new objective, so
     when the pool has no more objectives than ``n`` (the build checks), every objective of
     the pool is in every draw. */
  Q.draw = function (objectives, n, random) {
    var order = Q.permutation(objectives.length, random);
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
  };
})(window.CoursepackQuestions);

/* coursepack question type "sequencing" (see cp-questions.js): the answer is the item
   positions in the order the learner put them. */
(function (Q) {
  "use strict";
  var ch = Q.ch;
  Q.register("sequencing", {
    read: function (fieldset, q) {
      var order = [];
      var ok = true;
      Q.selects(fieldset).forEach(function (s) {   /* option values are positions 1..n */
        var at = +s.value - 1;
        if (s.value === "" || order[at] !== undefined) ok = false;
        else order[at] = ch(+s.dataset.i);
      });
      return ok && order.join("").length === q.n ? order.join("") : "";
    },
    restore: function (fieldset, q, answer) {
      Q.selects(fieldset).forEach(function (s) {
        var at = answer.indexOf(ch(+s.dataset.i));
        s.value = at >= 0 ? String(at + 1) : "";
      });
    },
    missing: function (fieldset, q) { return this.read(fieldset, q) ? "" : "missing_order"; },
    isCorrect: function (q, answer) {
      if (!answer) return false;
      for (var k = 0; k < q.n; k++) if (answer.charAt(k) !== ch(k)) return false;
      return answer.length === q.n;
    },
    response2004: function (q, answer) {
      var ids = q.ids || [];
      return answer.split("").map(function (c) { return ids[Q.pos(c)]; }).join("[,]");
    },
    response12: function (q, answer) { return answer.split("").join(","); },
    arrange: function (fieldset, q, order) { Q.arrangeItems(fieldset, order); },
    scramble: "order",
    optionFeedback: false,
    form: "order"
  });
})(window.CoursepackQuestions);

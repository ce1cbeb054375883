/* coursepack question type "matching" (see cp-questions.js): the answer holds, for each
   source in authored order, the chosen target's position or "-". */
(function (Q) {
  "use strict";
  var ch = Q.ch;
  Q.register("matching", {
    read: function (fieldset) {
      var pairs = [];
      Q.selects(fieldset).forEach(function (s) { pairs[+s.dataset.i] = s.value === "" ? "-" : ch(+s.value); });
      return pairs.join("");
    },
    restore: function (fieldset, q, answer) {
      Q.selects(fieldset).forEach(function (s) {
        var c = answer.charAt(+s.dataset.i);
        s.value = c && c !== "-" ? String(Q.pos(c)) : "";
      });
    },
    missing: function (fieldset, q) { return this.read(fieldset, q).indexOf("-") >= 0 ? "missing_match" : ""; },
    isCorrect: function (q, answer) {
      if (!answer) return false;
      for (var i = 0; i < q.n; i++) if (answer.charAt(i) !== ch(i)) return false;
      return true;
    },
    response2004: function (q, answer) {
      var ids = q.ids || [];
      return answer.split("").map(function (c, i) {
        return c === "-" ? null : ids[i] + "[.]" + q.targetIds[Q.pos(c)];
      }).filter(Boolean).join("[,]");
    },
    response12: function (q, answer) {
      return answer.split("").map(function (c, i) { return c === "-" ? null : ch(i) + "." + c; })
        .filter(Boolean).join(",");
    },
    /* the targets of every select in this order */
    arrange: function (fieldset, q, order) {
      Q.selects(fieldset).forEach(function (s) {
        var opts = [];
        Q.$$("option", s).forEach(function (o) { if (o.value !== "") opts[+o.value] = o; });
        order.forEach(function (i) { s.appendChild(opts[i]); });
      });
    },
    scramble: "targets",
    optionFeedback: false,
    form: "pairs"
  });
})(window.CoursepackQuestions);

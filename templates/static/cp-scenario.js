/* coursepack branching scenarios: walk the graph one decision at a time. A feature of
 * the runtime (coursepack.js gives it the course logic); packages carry it only when
 * the course has a scenario.
 */
/* The walk along a scenario's path (one character per decision: the chosen option's
   position): the node it ends at, the points taken, the last decision and, per decision,
   its node's objectives, the points taken and the most the node offered; null when a
   step is not a choice of the node reached. The one reading of a path in the runtime:
   the resume state (cp-state.js) checks a saved path with it, and the objective scores
   (coursepack.js) count its decisions. */
window.CoursepackScenario = {
  walk: function (def, path) {
    "use strict";
    var CHARS = window.CoursepackQuestions.CHARS;
    var node = def.start, points = 0, last = null, steps = [];
    for (var k = 0; k < path.length; k++) {
      var n = def.nodes[node], index = CHARS.indexOf(path.charAt(k));
      var choice = n && n.choices[index];
      if (!choice) return null;
      points += choice.score;
      last = { node: node, index: index };
      steps.push({ objectives: n.objectives, score: choice.score,
                   best: Math.max.apply(null, n.choices.map(function (c) { return c.score; })) });
      node = choice.next;
    }
    return { node: node, points: points, last: last, steps: steps };
  }
};

(window.CoursepackFeatures = window.CoursepackFeatures || []).push(function (core) {
  "use strict";

  var Q = window.CoursepackQuestions;
  var data = core.data, S = core.state, t = core.t, $ = core.$, $$ = core.$$, CHARS = Q.CHARS;
  var announce = core.announce, persist = core.persist, showResult = core.showResult,
      resultText = core.resultText, isPass = core.isPass, attemptsLeft = core.attemptsLeft,
      reportObjectives = core.reportObjectives, assessed = core.assessed, reviewing = core.reviewing;

  /* Each scenario, set up (and shown from the saved state) as its unit is inserted. */
  window.CP.onContent(function (root) { $$(".cp-scenario", root).forEach(function (box) {
    if (box.hasAttribute("data-cp-init")) return;
    box.setAttribute("data-cp-init", "");
    var i = +box.dataset.assessment;
    var def = data.assessments[i];

    function walk(path) { return window.CoursepackScenario.walk(def, path); }
    /* Every decision on the path: what the learner chose and its feedback. */
    function review(path) {
      var node = def.start, items = [];
      for (var k = 0; k < path.length; k++) {
        var index = CHARS.indexOf(path.charAt(k));
        var el = $(".cp-node[data-node='" + node + "']", box);
        var label = $$("label", el)[index];
        var tpl = $("template[data-feedback='" + index + "']", el);
        items.push("<li><p><strong>" + (label ? label.innerHTML : "") + "</strong></p>" +
                   (tpl ? tpl.innerHTML : "") + "</li>");
        node = def.nodes[node].choices[index].next;
      }
      return items.length ? "<ol class=\"cp-review\">" + items.join("") + "</ol>" : "";
    }
    function render(focus) {
      var a = S.asmt[i];
      var w = walk(a.path) || walk(a.path = "");
      $$(".cp-node", box).forEach(function (el) { el.hidden = el.dataset.node !== w.node; });
      var fb = $(".cp-last-feedback", box);
      if (def.feedback === "after-submit") {
        /* held until the ending: then every decision taken, with why it worked or not */
        fb.innerHTML = a.sub ? review(a.path) : "";
        fb.hidden = !a.sub;
      } else if (w.last) {
        var tpl = $(".cp-node[data-node='" + w.last.node + "'] template[data-feedback='" + w.last.index + "']", box);
        fb.innerHTML = tpl ? tpl.innerHTML : "";
        /* the choice made, in its own words, before what it led to */
        var input = $(".cp-node[data-node='" + w.last.node + "'] input[value='" + w.last.index + "']", box);
        var label = input && input.labels && input.labels[0];
        var chose = document.createElement("p");
        chose.className = "cp-chose";
        chose.appendChild(document.createElement("strong")).textContent = t.you_chose;
        chose.appendChild(document.createTextNode(" " + (label ? label.textContent.replace(/\s+/g, " ").trim() : "")));
        fb.insertBefore(chose, fb.firstChild);
        fb.hidden = false;
      } else fb.hidden = true;
      var nodeEl = $(".cp-node[data-node='" + w.node + "']", box);
      $$("input", nodeEl).forEach(function (el) { el.checked = false; });
      var said = fb.hidden ? "" : fb.textContent.replace(/\s+/g, " ").trim();
      if (a.sub) {
        showResult(box, i, false);
        if (focus) { $(".cp-result", box).focus(); announce((said ? said + " " : "") + resultText(i)); }
      } else {
        $(".cp-result", box).hidden = true;
        if (focus) { (fb.hidden ? nodeEl : fb).focus(); if (said) announce(said); }
      }
    }
    $$(".cp-choose", box).forEach(function (button) {
      button.addEventListener("click", function () {
        var a = S.asmt[i];
        var fs = button.closest("fieldset");
        var answer = Q.options().read(fs);
        if (!answer) { announce(t.answer_all); return; }
        if (a.sub) return;
        var node = walk(a.path).node;
        var choices = def.nodes[node].choices;
        var best = Math.max.apply(null, choices.map(function (c) { return c.score; }));
        var chosen = choices[CHARS.indexOf(answer)];
        if (!reviewing()) {
          core.lms().interaction({
            id: def.nodes[node].iid, type: "choice", objectives: def.nodes[node].objectives,
            pattern: CHARS.charAt(choices.map(function (c) { return c.score; }).indexOf(best)),
            result: chosen.score === best ? "correct" : "wrong",
            weighting: best, latency: (Date.now() - core.since()) / 1000, answer: answer,
            q: { type: "choice", activity: def.nodes[node].activity,
                 ids: choices.map(function (c) { return c.id; }),
                 patterns: choices.filter(function (c) { return c.score === best; })
                   .map(function (c) { return c.id; }),
                 description: def.nodes[node].description },
            parent: data.xapi ? data.xapi.units[def.unit].id : null
          });
        }
        core.restart();
        a.path += answer;
        var w = walk(a.path);
        if (def.nodes[w.node].ending) {
          a.n += 1;
          a.sub = true;
          a.score = def.maxPoints ? Math.round(100 * w.points / def.maxPoints) : 100;
          reportObjectives();
          assessed(i);
        }
        persist();
        render(true);
      });
    });
    $(".cp-retry", box).addEventListener("click", function () {
      var a = S.asmt[i];
      if (isPass(i, a.score) || attemptsLeft(i) === 0) return;
      a.sub = false;
      a.path = "";
      persist();
      render(true);
    });
    $$(".cp-node", box).forEach(function (el) { el.setAttribute("tabindex", "-1"); });
    box._render = render;
    render(false);
  }); });
});

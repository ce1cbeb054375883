/* coursepack resume state of earlier releases (needs cp-state.js): a state whose table
 * reference (format 2) or structure hash (format 1) is an earlier release's is read
 * through that release's map, which the build puts in data.state.prev (builder/state.py,
 * history: page count, knowledge-check shapes, where pages and knowledge checks went, and
 * for format 1 where each assessment went). A package carries this file only when its
 * build was given such maps (--previous, or the release history); without it, a state of
 * another release keeps only its assessments and bookmark.
 *
 *   var earlier = CoursepackStateEarlier(data, attempt);   // cp-state.js's codec
 *   earlier.v2(ref, parts, dropped) -> [visited, kc] or null (not a release it knows)
 *   earlier.v1(hash) -> the release's map (pages, shapes, asmts, changed, map) or null
 */
(function (root) {
  "use strict";

  var S = root.CoursepackState;

  /* How many entries the runs ``[old, new, length, ...]`` map. */
  function count(runs) { var n = 0; for (var r = 2; r < runs.length; r += 3) n += runs[r]; return n; }

  /* The knowledge-check shapes of run-length encoded ``[[count, type, n, maxLength], ...]``. */
  function expand(runs) {
    var shapes = [];
    runs.forEach(function (run) {
      for (var c = 0; c < run[0]; c++) shapes.push({ type: run[1], n: run[2], maxLength: run[3] });
    });
    return shapes;
  }

  /* ``list`` (by old position) by new position, ``blank`` where nothing maps. */
  function remap(list, runs, size, blank) {
    var out = S.blank(size, blank);
    for (var r = 0; r < runs.length; r += 3)
      for (var j = 0; j < runs[r + 2]; j++) out[runs[r + 1] + j] = list[runs[r] + j];
    return out;
  }

  root.CoursepackStateEarlier = function (data, attempt) {
    var prev = data.state.prev || {};

    /* The map of the release known as ``key``, or null. */
    function known(key) {
      if (!Object.prototype.hasOwnProperty.call(prev, key)) return null;
      var old = prev[key];
      var shapes = expand(old.kcs);
      return { pages: old.pages, shapes: shapes, asmts: old.asmts,
               /* visited pages and answers by the current table; what was lost, counted */
               map: function (visited, kc, dropped) {
                 dropped.pages = old.pages - count(old.pmap);
                 dropped.kcs = shapes.length - count(old.kmap);
                 return [remap(visited, old.pmap, data.pageCount, 0), remap(kc, old.kmap, data.kcs.length, "")];
               },
               /* format 1: an assessment that changed keeps its attempts and score */
               changed: function (asmt, target, fields, dropped) {
                 var def = data.assessments[target];
                 if (fields.seed && !(def.draw > 0 || def.shuffle)) fields.seed = "";
                 asmt[target] = attempt(target, fields, "", false);
                 dropped.answers++;
               } };
    }

    return {
      v2: function (ref, parts, dropped) {
        var old = known(ref);
        return old && old.map(S.unpackVisited(parts[2], old.pages), S.unpackAnswers(old.shapes, parts[3]), dropped);
      },
      v1: function (hash) {
        var old = known("v1:" + hash);
        return old && old.asmts ? old : null;
      }
    };
  };
})(window);

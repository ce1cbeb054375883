/* coursepack: the menu of a long course, in groups (shipped to a course of more than
   render.GROUP_AT units; cp-pages.js's menu() hands over to it). Each group is a
   disclosure button (WAI-ARIA APG disclosure pattern) that draws its units' entries when
   opened; one group is open at a time, at first and whenever the learner moves into
   another group the current page's. So the menu holds about 2 x sqrt(units) entries,
   never the whole course, and every entry stays two Tabs (or one Enter) away. */
(function () {
  "use strict";
  /* draw(into, from, to) draws entries from..to-1; setPaint(fn) sets how an entry is
     painted. Returns the menu's handle: update(unit, paint) repaints the entries drawn
     and opens the current unit's group when it changed. */
  function groupMenu(list, t, n, draw, setPaint) {
    var current = -1;
    /* groups of a round size (10, 20, 30...) near sqrt(n): 1,001 units make 26 groups of 40 */
    var size = Math.max(10, Math.ceil(Math.sqrt(n) / 10) * 10);
    var groups = [], open = -1;
    list.classList.add("cp-grouped");
    function toggle(g, show) {
      var box = groups[g];
      if (show && open >= 0 && open !== g) toggle(open, false);
      box.button.setAttribute("aria-expanded", show ? "true" : "false");
      box.list.hidden = !show;
      box.list.textContent = "";          /* a closed group holds no entries */
      if (show) draw(box.list, g * size, Math.min(n, (g + 1) * size));
      open = show ? g : open === g ? -1 : open;
    }
    for (var g = 0; g * size < n; g++) {
      var li = list.appendChild(document.createElement("li"));
      li.className = "cp-group";
      li.setAttribute("data-first", g * size);              /* its units, first and last */
      li.setAttribute("data-last", Math.min(n, (g + 1) * size) - 1);
      var button = li.appendChild(document.createElement("button"));
      button.type = "button";
      button.className = "cp-group-toggle";
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", "cp-group-" + g);
      var label = button.appendChild(document.createElement("span"));
      label.className = "cp-group-title";
      label.textContent = String(t.menu_group).replace("{from}", g * size + 1)
        .replace("{to}", Math.min(n, (g + 1) * size));
      var status = button.appendChild(document.createElement("span"));
      status.className = "cp-group-status visually-hidden";
      var inner = li.appendChild(document.createElement("ol"));
      inner.id = "cp-group-" + g;
      inner.className = "cp-group-units";
      inner.hidden = true;
      groups.push({ li: li, button: button, status: status, list: inner });
      button.addEventListener("click", (function (k) {
        return function () { toggle(k, groups[k].button.getAttribute("aria-expanded") !== "true"); };
      })(g));
    }
    return { update: function (unit, fn) {
      setPaint(fn);
      var g = Math.floor(Math.max(0, unit) / size);
      if (g !== current) {
        if (current >= 0) {
          groups[current].li.classList.remove("has-current");
          groups[current].status.textContent = "";
        }
        current = g;
        groups[g].li.classList.add("has-current");
        groups[g].status.textContent = " (" + t.menu_group_current + ")";
        if (open !== g) toggle(g, true);
      }
      if (open >= 0) {
        Array.prototype.forEach.call(groups[open].list.children, function (li) {
          fn(li, +li.getAttribute("data-unit"));
        });
      }
    } };
  }


  window.CP = window.CP || {};
  window.CP.groupMenu = groupMenu;
})();

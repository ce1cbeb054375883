/* Tabs (builder/components/blocks/tabs.py), per the WAI-ARIA Authoring Practices' tabs
 * pattern with automatic activation: Left and Right move to the previous and next tab
 * (wrapping) and show its panel, Home and End the first and last; only the selected tab
 * is in the Tab sequence, and Tab moves on into its panel.
 */
window.CoursepackBlocks.register("tabs", function (root) {
  "use strict";
  var B = window.CoursepackBlocks;
  B.all(root, ".cp-tabs").forEach(function (box) {
    if (!B.once(box, "tabs")) return;
    var list = box.querySelector(".cp-tablist");
    var tabs = Array.prototype.slice.call(list.querySelectorAll("[role=tab]"));
    function select(tab, focus) {
      tabs.forEach(function (t) {
        var on = t === tab;
        t.setAttribute("aria-selected", on ? "true" : "false");
        if (on) t.removeAttribute("tabindex"); else t.setAttribute("tabindex", "-1");
        document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      });
      if (focus) tab.focus();
    }
    /* the page comes with every panel shown (for the reading figures, and without the
       script): the selected tab's alone from here */
    select(tabs.filter(function (t) { return t.getAttribute("aria-selected") === "true"; })[0] || tabs[0], false);
    list.addEventListener("click", function (ev) {
      var tab = ev.target.closest("[role=tab]");
      if (tab && list.contains(tab)) select(tab, true);
    });
    list.addEventListener("keydown", function (ev) {
      var i = tabs.indexOf(ev.target), to = null;
      if (i < 0) return;
      if (ev.key === "ArrowRight") to = tabs[(i + 1) % tabs.length];
      else if (ev.key === "ArrowLeft") to = tabs[(i - 1 + tabs.length) % tabs.length];
      else if (ev.key === "Home") to = tabs[0];
      else if (ev.key === "End") to = tabs[tabs.length - 1];
      if (!to) return;
      ev.preventDefault();
      select(to, true);
    });
  });
});

/* Accordion (builder/components/blocks/accordion.py), per the WAI-ARIA Authoring
 * Practices' accordion pattern: a button in each section heading opens and closes its
 * panel (Enter and Space, as any button); Up and Down move to the previous and next
 * section's button, Home and End to the first and last. Sections open independently.
 */
window.CoursepackBlocks.register("accordion", function (root) {
  "use strict";
  var B = window.CoursepackBlocks;
  B.all(root, ".cp-accordion").forEach(function (box) {
    if (!B.once(box, "accordion")) return;
    function buttons() {
      return Array.prototype.filter.call(box.querySelectorAll(".cp-acc-button"), function (b) {
        return b.closest(".cp-accordion") === box;  /* not those of an accordion inside */
      });
    }
    /* the page comes with every section open (its text counts in the reading figures, and
       reads without the script): closed here, once */
    buttons().forEach(function (b) { B.expand(b, false); });
    box.addEventListener("click", function (ev) {
      var button = ev.target.closest(".cp-acc-button");
      if (!button || button.closest(".cp-accordion") !== box) return;
      B.expand(button, button.getAttribute("aria-expanded") !== "true");
    });
    box.addEventListener("keydown", function (ev) {
      var button = ev.target.closest && ev.target.closest(".cp-acc-button");
      if (!button || button.closest(".cp-accordion") !== box) return;
      var all = buttons(), i = all.indexOf(button), to = null;
      if (ev.key === "ArrowDown") to = all[(i + 1) % all.length];
      else if (ev.key === "ArrowUp") to = all[(i - 1 + all.length) % all.length];
      else if (ev.key === "Home") to = all[0];
      else if (ev.key === "End") to = all[all.length - 1];
      if (!to) return;
      ev.preventDefault();
      to.focus();
    });
  });
});

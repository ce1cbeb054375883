/* Reveal (builder/components/blocks/reveal.py): a disclosure button shows and hides the
 * suggested answer to a reflection question.
 */
window.CoursepackBlocks.register("reveal", function (root) {
  "use strict";
  var B = window.CoursepackBlocks;
  B.all(root, ".cp-reveal").forEach(function (box) {
    if (!B.once(box, "reveal")) return;
    var button = box.querySelector(".cp-reveal-button");
    function set(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
    }
    set(false);  /* the page comes with the answer shown (reading figures, no script) */
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
  });
});

/* Reveal (builder/components/blocks/reveal.py): a disclosure button shows and hides the
 * suggested answer to a reflection question.
 */
window.CoursepackBlocks.register("reveal", function (root) {
  "use strict";
  var B = window.CoursepackBlocks;
  B.all(root, ".cp-reveal").forEach(function (box) {
    if (!B.once(box, "reveal")) return;
    var button = box.querySelector(".cp-reveal-button");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", open ? "true" : "false");
      document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
    });
  });
});

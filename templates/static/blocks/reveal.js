/* Reveal (builder/components/blocks/reveal.py): a disclosure button shows and hides the
 * suggested answer to a reflection question.
 */
window.CoursepackBlocks.register("reveal", function (root) {
  "use strict";
  var B = window.CoursepackBlocks;
  B.all(root, ".cp-reveal").forEach(function (box) {
    if (!B.once(box, "reveal")) return;
    var button = box.querySelector(".cp-reveal-button");
    B.expand(button, false);  /* the page comes with the answer shown (reading figures, no script) */
    button.addEventListener("click", function () {
      B.expand(button, button.getAttribute("aria-expanded") !== "true");
    });
  });
});

/* Steps (builder/components/blocks/steps.py): one step at a time, with Previous and Next
 * buttons and "Step 2 of 5" said in a live region. Focus stays on the button pressed; at
 * either end that button is aria-disabled (not disabled, which would drop the focus).
 */
window.CoursepackBlocks.register("steps", function (root) {
  "use strict";
  var B = window.CoursepackBlocks;
  B.all(root, ".cp-steps").forEach(function (box) {
    if (!B.once(box, "steps")) return;
    var steps = Array.prototype.filter.call(box.querySelectorAll(".cp-step"), function (s) {
      return s.closest(".cp-steps") === box;
    });
    var nav = box.querySelector(".cp-step-nav");
    var prev = nav.querySelector(".cp-step-prev"), next = nav.querySelector(".cp-step-next");
    var status = nav.querySelector(".cp-step-status");
    var at = 0;
    function show(n) {
      at = Math.max(0, Math.min(steps.length - 1, n));
      steps.forEach(function (s, i) { s.hidden = i !== at; });
      prev.setAttribute("aria-disabled", at === 0 ? "true" : "false");
      next.setAttribute("aria-disabled", at === steps.length - 1 ? "true" : "false");
      status.textContent = B.t("block_step_of").replace("{n}", at + 1).replace("{total}", steps.length);
    }
    prev.addEventListener("click", function () { if (at > 0) show(at - 1); });
    next.addEventListener("click", function () { if (at < steps.length - 1) show(at + 1); });
    box.classList.add("cp-steps-live");
    nav.hidden = false;
    show(0);
  });
});

/* Flip cards (builder/components/blocks/flipcards.py): each card's button turns it over
 * (its back shows, its front hides) and back again; aria-expanded says which side shows.
 */
window.CoursepackBlocks.register("flipcards", function (root) {
  "use strict";
  var B = window.CoursepackBlocks;
  B.all(root, ".cp-flipcards").forEach(function (box) {
    if (!B.once(box, "flipcards")) return;
    box.addEventListener("click", function (ev) {
      var button = ev.target.closest(".cp-card-flip");
      if (!button || button.closest(".cp-flipcards") !== box) return;
      var card = button.closest(".cp-card");
      var flipped = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", flipped ? "true" : "false");
      card.querySelector(".cp-card-back").hidden = !flipped;
      card.querySelector(".cp-card-front").hidden = flipped;
      card.classList.toggle("cp-flipped", flipped);
      card.classList.remove("cp-turning");
      void card.offsetWidth;  /* restart the turning animation */
      card.classList.add("cp-turning");
    });
  });
});

/* Flip cards (builder/components/blocks/flipcards.py): each card's button turns it over
 * (its back shows, its front hides) and back again; aria-expanded says which side shows.
 */
window.CoursepackBlocks.register("flipcards", function (root) {
  "use strict";
  var B = window.CoursepackBlocks;
  B.all(root, ".cp-flipcards").forEach(function (box) {
    if (!B.once(box, "flipcards")) return;
    function turn(button, flipped) {
      var card = button.closest(".cp-card");
      B.expand(button, flipped);
      card.querySelector(".cp-card-front").hidden = flipped;
      card.classList.toggle("cp-flipped", flipped);
      return card;
    }
    /* the page comes with both sides shown (for the reading figures, and without the
       script): every card on its front from here */
    Array.prototype.forEach.call(box.querySelectorAll(".cp-card-flip"), function (b) {
      if (b.closest(".cp-flipcards") === box) turn(b, false);
    });
    box.addEventListener("click", function (ev) {
      var button = ev.target.closest(".cp-card-flip");
      if (!button || button.closest(".cp-flipcards") !== box) return;
      var card = turn(button, button.getAttribute("aria-expanded") !== "true");
      card.classList.remove("cp-turning");
      void card.offsetWidth;  /* restart the turning animation */
      card.classList.add("cp-turning");
    });
  });
});

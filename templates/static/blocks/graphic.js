/* Labelled graphic (builder/components/blocks/graphic.py): numbered points placed on the
 * image (their place from data-x and data-y, in percent: a style set from the script, as
 * packages allow no style attribute); a point opens its description under the image
 * (one at a time, a disclosure). Escape, or the description's Close button, closes it and
 * puts focus back on its point. Pressing the image opens it full-screen with zoom, the
 * figure's dialog (CoursepackBlocks.zoom, blocks/figure.js).
 */
window.CoursepackBlocks.register("labelled-graphic", function (root) {
  "use strict";
  var B = window.CoursepackBlocks;
  B.all(root, ".cp-graphic").forEach(function (box) {
    if (!B.once(box, "graphic")) return;
    var spots = Array.prototype.slice.call(box.querySelectorAll(".cp-spot"));
    function desc(spot) { return document.getElementById(spot.getAttribute("aria-controls")); }
    var set = B.expand;
    spots.forEach(function (spot) {
      spot.style.left = spot.dataset.x + "%";
      spot.style.top = spot.dataset.y + "%";
      spot.hidden = false;
      set(spot, false);
      var close = desc(spot).querySelector(".cp-spot-close");
      close.hidden = false;
      close.addEventListener("click", function () { set(spot, false); spot.focus(); });
      spot.addEventListener("click", function () {
        var open = spot.getAttribute("aria-expanded") !== "true";
        spots.forEach(function (s) { if (s !== spot) set(s, false); });
        set(spot, open);
      });
    });
    var opener = box.querySelector(".cp-zoom-open");
    opener.addEventListener("click", function () { B.zoom(opener); });
    box.querySelector(".cp-zoom-hint").hidden = false;
    box.querySelector(".cp-graphic-hint").hidden = false;
    box.classList.add("cp-graphic-live");
    box.addEventListener("keydown", function (ev) {
      if (ev.key !== "Escape" && ev.key !== "Esc") return;
      var open = spots.filter(function (s) { return s.getAttribute("aria-expanded") === "true"; })[0];
      if (!open) return;
      ev.preventDefault();
      ev.stopPropagation();
      set(open, false);
      open.focus();
    });
  });
});

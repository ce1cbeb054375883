/* Figure (builder/components/blocks/figure.py): pressing the image opens it full-screen
 * in a modal dialog (the native <dialog>: focus stays inside, Escape closes it), with
 * Zoom in, Zoom out (also + and -) and Close; the picture scrolls inside its own box,
 * with the arrow keys too. Focus goes back to the image when the dialog closes. One
 * dialog serves every figure of the document, and the labelled graphic's image too
 * (CoursepackBlocks.zoom; graphic.py ships this file with it).
 */
(function (B) {
  "use strict";
  var LEVELS = [1, 1.5, 2, 3, 4];

  function dialog() {
    var d = document.getElementById("cp-zoom");
    if (d) return d;
    d = document.createElement("dialog");
    d.id = "cp-zoom";
    d.className = "cp-zoom";
    function button(cls, key) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = cls;
      b.textContent = B.t(key);
      return b;
    }
    var bar = document.createElement("div");
    bar.className = "cp-zoom-bar";
    var out = button("cp-zoom-out", "block_zoom_out"), inn = button("cp-zoom-in", "block_zoom_in");
    var close = button("cp-zoom-close", "block_close");
    bar.appendChild(out); bar.appendChild(inn); bar.appendChild(close);
    var view = document.createElement("div");
    view.className = "cp-zoom-view";
    view.tabIndex = 0;
    view.setAttribute("role", "group");
    var img = document.createElement("img");
    view.appendChild(img);
    d.appendChild(bar); d.appendChild(view);
    document.body.appendChild(d);
    d._level = 0;
    d._zoom = function (step) {
      d._level = Math.max(0, Math.min(LEVELS.length - 1, d._level + step));
      img.style.width = (LEVELS[d._level] * 100) + "%";
      out.setAttribute("aria-disabled", d._level === 0 ? "true" : "false");
      inn.setAttribute("aria-disabled", d._level === LEVELS.length - 1 ? "true" : "false");
    };
    out.addEventListener("click", function () { d._zoom(-1); });
    inn.addEventListener("click", function () { d._zoom(1); });
    close.addEventListener("click", function () { d.close(); });
    d.addEventListener("keydown", function (ev) {
      if (ev.key === "+" || ev.key === "=") { d._zoom(1); ev.preventDefault(); }
      else if (ev.key === "-") { d._zoom(-1); ev.preventDefault(); }
    });
    d.addEventListener("close", function () {
      if (d._opener && document.contains(d._opener)) d._opener.focus();
      d._opener = null;
    });
    return d;
  }

  /* Open the full-screen view of the image inside opener (a .cp-zoom-open button). */
  B.zoom = function (opener) {
    var d = dialog(), source = opener.querySelector("img");
    var img = d.querySelector(".cp-zoom-view img");
    img.src = source.getAttribute("src");
    img.alt = source.alt;
    d.setAttribute("aria-label", source.alt);
    d.querySelector(".cp-zoom-view").setAttribute("aria-label", source.alt);
    d._opener = opener;
    d._level = 0;
    d._zoom(0);
    d.showModal();
    d.querySelector(".cp-zoom-close").focus();
  };

  B.register("figure", function (root) {
    B.all(root, ".cp-figure").forEach(function (fig) {
      if (!B.once(fig, "figure")) return;
      var opener = fig.querySelector(".cp-zoom-open");
      opener.addEventListener("click", function () { B.zoom(opener); });
    });
  });
})(window.CoursepackBlocks);

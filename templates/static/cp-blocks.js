/* coursepack content blocks: the registry of the blocks' scripts (templates/static/blocks/
 * *.js, one per kind of block; builder/components/blocks/ says how to add one). Packages
 * carry it, and the scripts of the blocks their course uses, only when a block needs one.
 *
 * A block's script registers an idempotent init(root), run at once for the document and
 * again, through CoursepackBlocks.init(root), for every page inserted later; when the
 * runtime loads pages on demand (CP.onContent, cp-pages.js), init is one of its content
 * hooks.
 */
(function () {
  "use strict";
  var inits = [];
  var messages = null;

  window.CoursepackBlocks = {
    /* Set up every block of this kind now, and under each root given to init later. */
    register: function (name, init) {
      inits.push({ name: name, init: init });
      if (window.CP && window.CP.onContent) window.CP.onContent(init);
      else init(document);
    },
    /* Set up the blocks under root (a page just inserted): each block's init skips what
       it has already set up. */
    init: function (root) {
      for (var i = 0; i < inits.length; i++) inits[i].init(root || document);
    },
    /* True the first time it is asked about el for this block kind: init's guard. */
    once: function (el, name) {
      var mark = "cpBlock" + name.replace(/(^|-)([a-z])/g, function (_, _d, c) { return c.toUpperCase(); });
      if (el.dataset[mark]) return false;
      el.dataset[mark] = "1";
      return true;
    },
    /* An interface string of the course's language (templates/i18n). */
    t: function (key) {
      if (!messages) {
        var el = document.getElementById("cp-messages");
        try { messages = el ? JSON.parse(el.textContent) : {}; } catch (e) { messages = {}; }
      }
      return messages[key] || key;
    },
    /* A disclosure: button's aria-expanded and the hidden of what it controls. */
    expand: function (button, open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
    },
    /* The elements under root (root included) that match selector. */
    all: function (root, selector) {
      var found = Array.prototype.slice.call(root.querySelectorAll(selector));
      if (root.matches && root.matches(selector)) found.unshift(root);
      return found;
    }
  };
})();

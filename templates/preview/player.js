/* The preview page: the LMS side of `coursepack preview`. It hosts the course in a frame
 * with a strict SCORM 1.2 API (scorm12-api.js), or launches it the xAPI / cmi5 way against
 * the preview server's small LRS, shows every call or statement, the data model and the
 * decoded resume data, and reloads the course when the server reports a new build. */
(function () {
  "use strict";

  var frame = document.getElementById("pv-course");
  /* lrs: the package reports to an LRS (xAPI, cmi5), else to the SCORM 1.2 API; the
     server says which, from the target's packager */
  var status = { version: -1, error: null, target: "", lrs: false };
  var callList = document.querySelector("#pv-calls ol");
  var statementList = document.querySelector("#pv-statements ol");
  var api = null;
  var unloading = false;    /* the course is being unloaded (for the unload-first-only quirk) */

  /* A line in a log panel. The panel follows its end (when it was there already) by
     scrolling itself: scrollIntoView would also scroll the page, moving the course under
     the learner's mouse (a click lost between mouse-down and mouse-up). */
  function item(list, text, bad) {
    var view = list.parentNode;
    var atEnd = view.scrollHeight - view.scrollTop - view.clientHeight < 24;
    var li = document.createElement("li");
    li.textContent = text;
    if (bad) li.className = "is-error";
    list.appendChild(li);
    if (atEnd) view.scrollTop = view.scrollHeight;
  }

  /* Resume data in coursepack's format (builder/state.py; format 1: builder/runtime.py),
     spelled out. */
  function decodeSuspend(text) {
    var p = String(text || "").split("|");
    if (p.length === 6 && p[0] === "2")
      return ["format 2, course " + p[1].slice(0, 4) + ", table " + p[1].slice(4),
              "visited pages (r: bitset, l: runs): " + p[2], "knowledge checks (bits:texts): " + p[3],
              "assessments (key, fingerprint, attempts, !submitted, =score, ~seed: answers):\n  " +
              p[4].split(";").join("\n  "), "check: " + p[5]].join("\n") +
        "\n\n" + text.length + " characters";
    if (p.length !== 5) return text ? "not coursepack resume data:\n" + text : "(none)";
    return ["format " + p[0] + ", structure " + p[1], "visited pages bitset: " + p[2],
            "knowledge checks: " + (p[3] || "-"),
            "assessments:\n  " + p[4].split(";").join("\n  ")].join("\n") +
      "\n\n" + text.length + " characters";
  }

  function refreshPanels() {
    var tbody = document.querySelector("#pv-cmi tbody");
    tbody.textContent = "";
    if (api) {
      var cmi = api.dump();
      Object.keys(cmi).sort().forEach(function (k) {
        var tr = document.createElement("tr");
        tr.innerHTML = "<td></td><td></td>";
        tr.cells[0].textContent = k;
        tr.cells[1].textContent = cmi[k];
        tbody.appendChild(tr);
      });
      document.querySelector("#pv-suspend pre").textContent = decodeSuspend(cmi["cmi.suspend_data"]);
    }
  }

  function settings() {
    return { credit: document.getElementById("pv-credit").value,
             mode: document.getElementById("pv-mode").value };
  }

  function launchScorm() {
    var s = settings();
    api = new window.CoursepackPreviewAPI({
      key: "coursepack-preview:" + status.course, credit: s.credit, mode: s.mode,
      masteryScore: status.masteryScore || "",
      onCall: function (c) {
        var text = c.fn + "(" + c.args.map(function (a) { return JSON.stringify(a); }).join(", ") +
          ") = " + JSON.stringify(c.result) + (c.error !== "0" ? "  error " + c.error + " " + api.LMSGetErrorString(c.error) : "");
        item(callList, text, c.error !== "0");
        refreshPanels();
      }
    });
    /* LMS quirks (coursepack preview --lms-quirks): lms-quirks.js bends the API; the
       late API and the short frame are the page's part */
    var quirks = status.quirks || [];
    var Quirks = window.CoursepackLMSQuirks;
    Quirks.wrap(api, "12", quirks, {
      unloading: function () { return unloading; },
      note: function (text) { item(callList, "quirk: " + text, true); }
    });
    frame.style.height = quirks.indexOf("short-frame") >= 0 ? Quirks.FRAME_HEIGHT + "px" : "";
    unloading = false;
    var mine = api;
    if (quirks.indexOf("late-api") >= 0) {
      window.API = undefined;
      setTimeout(function () { if (api === mine) window.API = mine; }, Quirks.LATE_API_MS);
    } else {
      window.API = api;
    }
    frame.src = "/course/index.html";
  }

  function launchXapi() {
    var s = settings();
    fetch("/__lrs/launch?mode=" + encodeURIComponent(s.mode === "normal" ? "Normal" : s.mode === "browse" ? "Browse" : "Review"))
      .then(function (r) { return r.json(); }).then(function (launch) {
        window.API = undefined;
        frame.src = "/course/index.html?" + launch.query;
      });
  }

  function launch() {
    callList.textContent = "";
    if (status.lrs) launchXapi(); else launchScorm();
  }

  /* Exit as a learner would (the course's pagehide finishes the session), then relaunch. */
  function relaunch() {
    unloading = true;
    frame.addEventListener("load", function once() {
      frame.removeEventListener("load", once);
      launch();
    });
    frame.src = "about:blank";
  }

  function pollStatements() {
    if (!status.lrs) return;
    fetch("/__lrs/log").then(function (r) { return r.json(); }).then(function (all) {
      statementList.textContent = "";
      all.forEach(function (s) {
        var text = (s.timestamp || "") + "  " + s.verb.display["en-US"] + "  " + s.object.id +
          (s.result ? "  " + JSON.stringify(s.result) : "");
        item(statementList, text, false);
      });
    }).catch(function () {});
  }

  function showBuild(next) {
    var box = document.getElementById("pv-error");
    var label = document.getElementById("pv-build");
    if (next.error) {
      box.querySelector("pre").textContent = next.error;
      box.hidden = false;
      label.textContent = "Build failed";
      label.className = "is-error";
    } else {
      box.hidden = true;
      label.textContent = "Built " + new Date().toLocaleTimeString();
      label.className = "";
    }
  }

  function onStatus(next) {
    var first = status.version < 0;
    var rebuilt = next.version !== status.version && !next.error;
    status = next;
    document.getElementById("pv-target").textContent = next.target;
    var quirks = document.getElementById("pv-quirks");
    quirks.hidden = !(next.quirks && next.quirks.length);
    quirks.textContent = quirks.hidden ? "" : "LMS quirks: " + next.quirks.join(", ");
    showBuild(next);
    if (first && next.ok) launch();
    else if (rebuilt && next.ok) relaunch();
  }

  function listen() {
    var events = new EventSource("/__events");
    events.addEventListener("build", function (ev) { onStatus(JSON.parse(ev.data)); });
  }

  document.getElementById("pv-relaunch").addEventListener("click", relaunch);
  /* Reset: unload the course first (its pagehide saves, as a closing course does), then
     forget the learner, then launch. Resetting first let that last save write the old
     state back (entry "resume" on the same page). The unloaded course's API is detached:
     nothing it does later reaches the new learner's data. */
  document.getElementById("pv-reset").addEventListener("click", function () {
    var old = api;
    unloading = true;
    frame.addEventListener("load", function once() {
      frame.removeEventListener("load", once);
      if (old) { old.detach(); old.reset(); }
      api = null;
      fetch("/__lrs/reset", { method: "POST" }).finally(launch);
    });
    frame.src = "about:blank";
  });
  ["pv-credit", "pv-mode"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", relaunch);
  });
  document.querySelectorAll(".pv-tabs button").forEach(function (tab) {
    tab.addEventListener("click", function () {
      document.querySelectorAll(".pv-tabs button").forEach(function (t) {
        t.setAttribute("aria-selected", t === tab ? "true" : "false");
      });
      document.querySelectorAll(".pv-view").forEach(function (v) { v.hidden = v.id !== "pv-" + tab.dataset.tab; });
      refreshPanels();
    });
  });
  setInterval(pollStatements, 1000);
  listen();
  window.coursepackPreview = { status: function () { return status; }, api: function () { return api; } };
})();

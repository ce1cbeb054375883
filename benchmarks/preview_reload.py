"""Save-to-reload time of ``coursepack preview`` (issue 18: within 300 ms of a save for a
1,000-page course).

``measure(project, env)`` starts ``python -m builder preview PROJECT --port 0`` as its own
process, listens to its server-sent events (``/__events``: the preview page reloads the
course on each ``build`` event), then saves a module ``saves`` times, a second apart (a
word changed in one paragraph, as an author would). The figure is the time from the
write returning to the ``build`` event arriving: the file event, the settle time (until
the save's events stop: 10 ms after the file is closed), the incremental rebuild and the
event. The browser's reload of the course comes on top
(the course's first-visible time). The preview's own figures for each rebuild (ms, texts
rendered again, texts reused) come from ``/__status``. The first save after start-up is
not counted (the first rebuild fills the caches).
"""

from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

URL_RE = re.compile(r"at (http://127\.0\.0\.1:\d+/)")


def _events(url: str):
    """The ``data`` of each ``build`` event, as they come."""
    with urllib.request.urlopen(url + "__events", timeout=60) as stream:
        event = ""
        for raw in stream:
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: ") and event == "build":
                yield json.loads(line[6:])


#: run in every frame of the preview page before its scripts: in the course's frame,
#: notes when the visible page first shows "Saved N times." (the time on the system's
#: clock, as Python's time.time(), in ms)
PAGE_SCRIPT = r"""
(() => {
  if (window === window.top) return;
  const seen = () => {
    const page = document.querySelector("section.page:not([hidden])");
    const m = page && /Saved (\d+) times\./.exec(page.textContent);
    if (m && page.getBoundingClientRect().height > 0 && !(window.__cpSaved >= +m[1])) {
      window.__cpSaved = +m[1];
      const at = performance.timeOrigin + performance.now();
      requestAnimationFrame(() => { window.__cpSavedAt = at; window.__cpPainted =
        performance.timeOrigin + performance.now(); });
    }
  };
  new MutationObserver(seen).observe(document, {subtree: true, childList: true,
                                                attributes: true, attributeFilter: ["hidden"]});
})();
"""


def in_page(browser, url: str, project: Path, saves: int) -> dict:
    """Save to reloaded page: the preview page open in ``browser`` (Playwright's Chromium);
    the first module's first paragraph (where the learner is) saved ``saves`` times, a
    second apart; the time from the write to the rendering step that paints the edited
    page in the course's frame (relaunched by the preview page on the build event). The
    first save is not counted."""
    module = sorted((project / "modules").glob("*.md"))[0]
    text = module.read_text("utf-8")
    lines = text.split("\n")
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    para = next(i for i, line in enumerate(lines) if i > heading and line[:1].isalpha())
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    times = []
    try:
        page = context.new_page()
        page.add_init_script(PAGE_SCRIPT)
        page.goto(url)
        page.wait_for_selector("iframe")
        page.wait_for_function("() => { const f = document.querySelector('iframe');"
                               " return f && f.contentDocument && f.contentDocument"
                               ".querySelector('section.page:not([hidden]) h1'); }",
                               timeout=60000)
        for n in range(saves + 1):
            time.sleep(1.0)
            lines = text.split("\n")
            lines[para] = f"Saved {n} times. " + lines[para]
            start = time.time() * 1000
            module.write_text("\n".join(lines), "utf-8")
            deadline = time.monotonic() + 30
            painted = None
            while painted is None and time.monotonic() < deadline:
                time.sleep(0.02)
                for frame in page.frames[1:]:
                    try:
                        got = frame.evaluate("() => [window.__cpSaved, window.__cpPainted]")
                    except Exception:  # navigating: asked again
                        continue
                    if got and got[0] == n and got[1]:
                        painted = got[1]
            if painted is None:
                return {"error": f"save {n}: the page did not show it within 30 s"}
            if n:
                times.append(painted - start)
    finally:
        module.write_text(text, "utf-8")
        context.close()
    return {"module": module.name, "save_to_page_ms": [round(t, 1) for t in times],
            "median_ms": round(statistics.median(times), 1), "best_ms": round(min(times), 1)}


def measure(python: Path, project: Path, env: dict, saves: int = 5, browser=None) -> dict:
    proc = subprocess.Popen([str(python), "-m", "builder", "preview", str(project), "--port",
                             "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                            text=True)
    try:
        url = None
        for line in proc.stdout:  # "Previewing ... at http://127.0.0.1:PORT/ ..."
            m = URL_RE.search(line)
            if m:
                url = m.group(1)
                break
        if url is None:
            return {"error": "the preview did not start"}
        events = _events(url)
        first = next(events)  # the build at start-up
        module = sorted((project / "modules").glob("*.md"))[len(list(
            (project / "modules").glob("*.md"))) // 2]
        text = module.read_text("utf-8")
        lines = text.split("\n")
        heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
        para = next(i for i, line in enumerate(lines)
                    if i > heading and line[:1].isalpha())  # a paragraph of the first page
        times, rebuilds = [], []
        for n in range(saves + 1):
            lines = text.split("\n")
            lines[para] = f"Saved {n} times. " + lines[para]
            time.sleep(1.0)
            start = time.perf_counter()
            module.write_text("\n".join(lines), "utf-8")
            event = next(events)
            took = time.perf_counter() - start
            if event.get("error"):
                return {"error": event["error"][:2000]}
            with urllib.request.urlopen(url + "__status") as r:
                status = json.load(r)
            if n:  # the first save fills the caches
                times.append(took * 1000)
                rebuilds.append(status.get("rebuild", {}))
        module.write_text(text, "utf-8")
        out = {"module": module.name, "saves": saves, "first_build": first.get("rebuild"),
               "save_to_reload_ms": [round(t, 1) for t in times],
               "median_ms": round(statistics.median(times), 1),
               "best_ms": round(min(times), 1), "rebuilds": rebuilds}
        if browser is not None:
            out["page"] = in_page(browser, url, project, saves)
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    browser = None
    if "--browser" in sys.argv:
        from playwright.sync_api import sync_playwright

        sys.argv.remove("--browser")
        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--headless=new", "--no-sandbox"])
    print(json.dumps(measure(root / ".venv/bin/python", Path(sys.argv[1]),
                             None, int(sys.argv[2]) if len(sys.argv) > 2 else 5, browser),
                     indent=2))
    if browser is not None:
        browser.close()
        pw.stop()

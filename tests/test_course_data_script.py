"""content/course.js carries the course data as a JSON string given to JSON.parse
(builder/chunks.py, data_script): what the browser gets is the data, whatever its text
holds, and the build's readers (builder.chunks.read_data, used by builder.state and
coursepack play) read it back, and read an earlier release's object literal too."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from builder.chunks import DATA_PREFIX, OLD_DATA_PREFIX, data_script, read_data

#: text that a string literal or an HTML page could mistake for its own syntax
HOSTILE = {"title": "it's \\ \"quoted\" </script><!-- \u2028\u2029 \\u2028 \\' caf\u00e9 \U0001f600\n\t",
           "units": [{"id": "m1", "first": 0, "count": 2, "minutes": 1.5}],
           "empty": "", "nested": {"x": [None, True, False, 0, -1e-7, "'", "\\\\'"]}}


def test_the_data_round_trips():
    script = data_script(HOSTILE).decode()
    assert script.startswith(DATA_PREFIX) and script.endswith("');\n")
    assert "\n" not in script[:-1] and "</" not in script
    assert "\u2028" not in script and "\u2029" not in script
    assert read_data(script) == HOSTILE
    # an earlier release's course.js: the data as an object literal
    assert read_data(OLD_DATA_PREFIX + json.dumps(HOSTILE) + ";\n") == HOSTILE
    for bad in ("", "var x = 1;", DATA_PREFIX + "{}", DATA_PREFIX + "[1]');\n"):
        with pytest.raises(ValueError):
            read_data(bad)


def test_the_browser_gets_the_data(tmp_path):
    """node runs course.js as a browser's classic script would: the value it makes is the
    data, the same as Python's."""
    node = shutil.which("node")
    if not node:
        pytest.skip("node is not installed")
    script = tmp_path / "course.js"
    script.write_text(data_script(HOSTILE).decode(), encoding="utf-8")
    check = ("const vm = require('vm'), fs = require('fs'); const window = {};"
             "vm.runInNewContext(fs.readFileSync(process.argv[1], 'utf8'), {window: window, JSON: JSON});"
             "process.stdout.write(JSON.stringify(window.CoursepackData));")
    done = subprocess.run([node, "-e", check, str(script)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == HOSTILE

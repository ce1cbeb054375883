"""content/course.js carries the course data as a JSON string given to JSON.parse
(builder/chunks.py, data_script): what the browser gets is the data, whatever its text
holds, and the build's readers (builder.chunks.read_data, used by builder.state and
coursepack play) read it back, and read an earlier release's object literal too."""
from __future__ import annotations

import json

import pytest

from builder.chunks import DATA_PREFIX, OLD_DATA_PREFIX, QUESTIONS_JOIN, data_script, read_data
from tests.support.node import node_eval

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
    script = tmp_path / "course.js"
    script.write_text(data_script(HOSTILE).decode(), encoding="utf-8")
    check = ("const vm = require('vm'), fs = require('fs'); const window = {};"
             "vm.runInNewContext(fs.readFileSync(process.argv[1], 'utf8'), {window: window, JSON: JSON});"
             "process.stdout.write(JSON.stringify(window.CoursepackData));")
    out = node_eval(check, script)
    assert json.loads(out) == HOSTILE


#: course data with quiz questions: they go in a second string, parsed when first read
QUIZZED = {"title": "q's", "assessments": [
    {"id": "quiz", "unit": 1, "questions": [{"id": "q'1", "type": "choice", "n": 2,
                                             "text": "');(function(d,t){ \\' </script>"}]},
    {"id": "scenario", "unit": 2, "branching": True, "nodes": [{"id": "n1"}]},
    {"id": "empty", "unit": 3, "questions": []}]}


def test_quiz_questions_are_a_string_apart():
    script = data_script(QUIZZED).decode()
    shell, _, rest = script.partition(QUESTIONS_JOIN)
    assert rest and "q'1" not in shell.replace("\\'", "'") and "\n" not in script[:-1]
    assert read_data(script) == QUIZZED
    for bad in (script.replace(QUESTIONS_JOIN + "[", QUESTIONS_JOIN + "[null,"),
                script[:-4] + "'", shell):
        with pytest.raises(ValueError):
            read_data(bad)


def test_the_browser_reads_the_questions_when_asked(tmp_path):
    """The questions are not parsed until an assessment's are read; then they are the
    data's, plain properties that the runtime may change (cp-pages.js adds a quiz's
    answer-time data to them)."""
    script = tmp_path / "course.js"
    script.write_text(data_script(QUIZZED).decode(), encoding="utf-8")
    check = ("const vm = require('vm'), fs = require('fs'); const window = {}; let parsed = 0;"
             "const J = {parse: (t) => { parsed++; return JSON.parse(t); }};"
             "vm.runInNewContext(fs.readFileSync(process.argv[1], 'utf8'), {window: window, JSON: J});"
             "const d = window.CoursepackData, before = parsed;"
             "d.assessments[0].questions[0].iid = 'x'; d.assessments[2].questions.push(1);"
             "process.stdout.write(JSON.stringify([before, parsed, d,"
             "  Object.getOwnPropertyDescriptor(d.assessments[0], 'questions').writable]));")
    out = node_eval(check, script)
    before, after, data, plain = json.loads(out)
    assert (before, after, plain) == (1, 2, True)
    expected = json.loads(json.dumps(QUIZZED))
    expected["assessments"][0]["questions"][0]["iid"] = "x"
    expected["assessments"][2]["questions"].append(1)
    assert data == expected

"""`coursepack report`'s summary, on its own (the run against Ralph is in test_xapi_e2e)."""

from __future__ import annotations

from builder.lrs_report import as_csv, as_table, seconds, summarise

V = "http://adlnet.gov/expapi/verbs/"
COURSE = "https://example.org/course"
JANE = {"account": {"homePage": "https://lms.example.org", "name": "jane"}}
SAM = {"mbox": "mailto:sam@example.org"}


def st(actor, verb, obj, result=None, grouping=True, stored="2026-01-01T00:00:00Z"):
    s = {"actor": actor, "verb": {"id": V + verb}, "object": {"id": obj}, "stored": stored}
    if grouping:
        s["context"] = {"contextActivities": {"grouping": [{"id": COURSE}]}}
    if result is not None:
        s["result"] = result
    return s


def test_durations():
    assert seconds("PT1H2M3.5S") == 3723.5
    assert seconds("PT0S") == 0
    assert seconds("P1DT1S") == 86401
    assert seconds("bogus") == 0


def test_summary_per_learner():
    statements = [
        st(JANE, "answered", COURSE + "/quiz/q1", {"response": "a", "success": False}),
        st(JANE, "failed", COURSE, {"score": {"scaled": 0.5}, "success": False}),
        st(JANE, "answered", COURSE + "/quiz/q1", {"response": "b", "success": True}),
        st(JANE, "passed", COURSE, {"score": {"scaled": 1}, "success": True}),
        st(JANE, "completed", COURSE, {"completion": True}),
        st(JANE, "terminated", COURSE, {"duration": "PT1M30S"}),
        st(JANE, "terminated", COURSE, {"duration": "PT30S"}),
        st(SAM, "initialized", COURSE),
        st(SAM, "experienced", "https://elsewhere.org/other", grouping=False),
    ]
    rows = summarise(statements, COURSE)
    jane, sam = rows
    assert (jane.learner, jane.completed, jane.success, jane.score, jane.time) == (
        "jane@https://lms.example.org", True, "passed", "100", 120.0)
    assert jane.answers == {"quiz/q1": ("b", "yes")}          # the latest answer wins
    assert (sam.learner, sam.completed, sam.success) == ("sam@example.org", False, "")
    table = as_table(rows)
    assert "jane@https://lms.example.org" in table and "0:02:00" in table
    assert "quiz/q1" in table
    csv_text = as_csv(rows)
    assert csv_text.splitlines()[0] == ("learner,course,completed,result,score,time_seconds,"
                                        "question,response,correct")
    assert "sam@example.org,https://example.org/course,no,,,0.00,,," in csv_text


def test_odd_statements_do_not_break_the_report():
    junk = [{"verb": "x"}, {"actor": [], "verb": {}, "object": {}},
            st(JANE, "passed", COURSE, {"score": "high"}),
            st(JANE, "terminated", COURSE, {"duration": 5}),
            {"actor": JANE, "verb": {"id": V + "answered"}, "object": {"id": COURSE + "/q"},
             "result": [], "context": {"contextActivities": {"grouping": "bad"}}}]
    rows = summarise(junk, COURSE)
    assert [r.learner for r in rows] == ["jane@https://lms.example.org"]
    assert rows[0].success == "passed" and rows[0].score == ""

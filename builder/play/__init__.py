"""`coursepack play`: plays a package in headless Chromium inside the strict test LMS as
scripted learners and compares what the LMS recorded with the course's tracking rules.

Modules: package (reads a zip and the course data it carries), browser (playwright, the
Chromium and the test LMS server), session (one learner's visits), learners (the scripts),
expect (recorded vs expected), run (everything together), output (text, JSON, JUnit).
"""

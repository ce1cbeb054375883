"""Habits of real LMSs that the SCORM preview can take on (``coursepack preview
--lms-quirks``), so that QA sees the course survive them. They are implemented in
templates/preview/lms-quirks.js, which the test suite's LMS (tests/support/player/) loads
too; docs/qa.md says which LMS does what. Kept apart from builder.preview so that the CLI
can list them in its help without importing the preview server.
"""

from __future__ import annotations

#: name -> what the LMS does (shown in the CLI help and in errors)
LMS_QUIRKS = {
    "entry-empty": 'cmi.core.entry reads "" (Open edX\'s SCORM XBlock)',
    "entry-ab-initio": 'cmi.core.entry reads "ab-initio", the saved data is still returned '
                       "(scormhost)",
    "blank-status": 'lesson_status and score.raw read "" whatever was stored (Open edX)',
    "no-count": '_count elements read "" (Open edX, scormhost)',
    "unload-first-only": "while the course unloads, only its first call reaches the LMS, "
                         "later ones are lost (Open edX)",
    "late-api": "the API appears 1.5 s after the course starts (Open edX, at times)",
    "commit-false": 'every LMSCommit answers "false"; values are kept at LMSFinish',
    "short-frame": "the course frame is 154 px high (Open edX's default height)",
}
EXCLUSIVE_QUIRKS = ("entry-empty", "entry-ab-initio")


def parse_quirks(text: str | None) -> tuple[str, ...]:
    """``QUIRK[,QUIRK...]`` as a tuple of known quirk names; ValueError says what is wrong."""
    names = tuple(dict.fromkeys(n.strip() for n in (text or "").split(",") if n.strip()))
    unknown = [n for n in names if n not in LMS_QUIRKS]
    if unknown:
        raise ValueError(f"unknown LMS quirk{'s' if len(unknown) > 1 else ''}: "
                         f"{', '.join(unknown)}. Known: {', '.join(LMS_QUIRKS)}")
    if all(n in names for n in EXCLUSIVE_QUIRKS):
        raise ValueError(f"choose one of {' and '.join(EXCLUSIVE_QUIRKS)}")
    return names

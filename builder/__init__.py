"""coursepack: compile a course written as plain files into SCORM and xAPI packages."""

__version__ = "0.1.0"

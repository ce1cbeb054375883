"""The e-learning standards' own files that packages carry and the validator reads: the
official XSDs of SCORM 1.2 (``xsd/scorm12/``), SCORM 2004 4th Edition
(``xsd/scorm2004_4th/``) and cmi5 (``xsd/cmi5/``), shipped verbatim. They are package data
of coursepack, not part of the theme: a course's templates cannot replace them."""

from pathlib import Path

#: the folder of the official XSD sets, one folder per standard
XSD_DIR = Path(__file__).parent / "xsd"

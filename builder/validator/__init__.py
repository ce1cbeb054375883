"""``coursepack validate``: inspect any SCORM 1.2, SCORM 2004, xAPI or cmi5 zip.

Pure functions that return :class:`Problem` lists; nothing here prints, unpacks or writes.
One module per concern:

- :mod:`.safezip` opens the zip and reads members with a size cap;
- :mod:`.layout` checks the listing (zip bombs, unsafe names, links, nested zips);
- :mod:`.scorm`, :mod:`.cmi5`, :mod:`.tincan` check one kind of manifest each;
- :mod:`.inspect` runs them in order; :mod:`.output` formats the report;
- :mod:`.rules` is the registry of rule ids, severities and advice.
"""

from builder.validator.inspect import inspect_package
from builder.validator.report import Problem, Report
from builder.validator.rules import RULES
from builder.validator.safezip import Limits, Unreadable

__all__ = ["RULES", "Limits", "Problem", "Report", "Unreadable", "inspect_package"]

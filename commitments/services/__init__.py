"""Writes of commitment verification, by part of the domain (import from the modules):

* ``verification``: a school's or facility's month saved at once (idempotent);
* ``enrolment``: a member's dated enrolment events (enrolled, moved school,
  transferred to another facility, not enrolled);
* ``places``: schools and health facilities;
* ``sheet_import``: a school's or the national system's verification sheet, uploaded,
  previewed and confirmed (or cancelled).
"""

"""Reads of commitment verification, by part of the domain (import from the modules):

* ``compliance``: the verdict of entries as a database expression, per member and month,
  and set-based rates (the entry points for consequences and reports);
* ``due``: what a month asks of a caseload, grouped by school and health facility;
* ``places``: schools, health facilities, members and their enrolment periods;
* ``panel``: the family page's section;
* ``sheet_imports``: a facilitator's own sheet imports and their row-error report;
* ``rules_summary``: the rules in force as the month page lists them, local defaults marked.
"""

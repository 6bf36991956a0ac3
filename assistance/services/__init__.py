"""Writes of complementary aid. Every write goes through a function in one of these
modules; import it from its module (there is no re-export here):

* ``eligibility``: the stored rule rows (``aid_eligibility_refresh``) and the copy of
  each family's facilitator and village on them (``aid_household_copy_sync``);
* ``coverage``: the ``CoverageCount`` rollup (``coverage_counts_rebuild``);
* ``aid_status``: a user's status for one aid (``aid_status_set``), card numbers and
  who may edit them (``pkh.permissions.may_edit_aid``);
* ``roster``: the statuses a roster import brings (``roster_aid_apply``, ``_staged``,
  ``roster_aid_problems``);
* ``catalogue``: the national aid catalogue (``aid_save``);
* ``resources``: the resource directory (``resource_save``);
* ``cases``: advocacy cases (``case_open``, ``case_update``, ``case_close``).

Eligibility is materialised: ``aid_eligibility_refresh`` keeps one ``AidEnrolment`` row
per subject the catalogue's rule makes eligible (set-based, in batches of families),
so the coverage-gap page and the coverage figures are plain aggregates. It runs when a
family or member changes (the ``families_changed`` reaction in
``assistance/extensions.py``), after a roster import
(``roster_aid_apply``), after the catalogue changes, and nightly (members age).
"""

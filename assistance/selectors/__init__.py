"""Reads of complementary aid, always scoped to what the user may see. Import each from
its module (there is no re-export here):

* ``catalogue``: the aid catalogue and its rule for one member (``aid_list``,
  ``aid_get``, ``age_limit_problem``, ``member_rule_eligible``);
* ``panel``: the aid panel on the family page (``household_aid_panel``);
* ``gap``: eligible but not receiving (``aid_gap_list``, ``aid_gap_rows``) and the gap
  page's filter choices;
* ``coverage``: the coverage figures (``aid_coverage_by_facilitator``, ``_by_village``,
  ``_by_district``, ``coverage_total``);
* ``resources``: the resource directory (``resource_list``, ``resource_scope_q``, ...);
* ``cases``: advocacy cases (``case_list``, ``case_get``, ``cases_due``, ...).

The coverage figures (``aid_coverage_by_facilitator``, ``aid_coverage_by_village``) are
the ones the quarterly reports reuse: one aggregate query over the materialised
``AidEnrolment`` rows, whatever the number of families.
"""

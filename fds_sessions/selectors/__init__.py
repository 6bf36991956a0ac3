"""Reads of the FDS / P2K2 app, one module per part of the domain, every one scoped
through ``pkh.scoping`` like every other app. Import from the modules:

* ``groups``: groups a user sees, the list page, one group, its families and form choices;
* ``sessions``: meetings, one session, its attendance and audit trail;
* ``modules``: the P2K2 curriculum and the session a group plans next;
* ``figures``: attendance rates, modules completed, groups without a meeting (reused by
  the quarterly reports, see ``docs/fds_sessions.md``);
* ``followups``: families due a follow-up visit after two absences;
* ``family``: the family page's FDS panel.
"""

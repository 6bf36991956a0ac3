"""Reads of the graduation app, one module per part of the work, always scoped through
``pkh.scoping``. Selectors never import ``graduation.services``.

Selectors the quarterly reports reuse (stable signatures):

* ``targets.quarter_bounds(year, quarter) -> (first_day, last_day)``
* ``targets.quarterly_targets(*, user, year, quarter) -> dict[facilitator_id, int]``
* ``review.graduations_by_type(*, user, start, end) -> dict[exit_type, int]``
* ``review.graduations_by_facilitator(*, user, start, end) -> dict[facilitator_id, dict[exit_type, int]]``
* ``review.pipeline_counts_by_stage(*, user, facilitator_ids=None) -> dict[facilitator_id, dict[stage, int]]``
* ``review.proposal_counts(*, user, start, end) -> dict[facilitator_id, ProposalCounts]``
"""

# ``graduation/panels.py`` and ``graduation/todo.py`` import these two from the package
# (they are being folded into ``graduation/extensions.py`` on another branch; once that
# file imports ``selectors.family`` and ``selectors.monitoring`` these lines go).
from graduation.selectors.family import family_summary
from graduation.selectors.monitoring import monitoring_due

__all__ = ["family_summary", "monitoring_due"]

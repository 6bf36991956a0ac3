"""The tables the import's SQL reads and writes, named once from the models' ``_meta``.

Every statement of ``imports.checks``, ``imports.apply`` and ``imports.services`` takes
its table names from here, so a renamed table or model needs no change in the SQL.
"""

from __future__ import annotations

from functools import cached_property


class Tables:
    @cached_property
    def rows(self) -> str:  # one staging row per line of the file
        from imports.models import StagingRow

        return StagingRow._meta.db_table

    @cached_property
    def families(self) -> str:  # one staging row per ID_KELUARGA of the file
        from imports.models import StagingFamily

        return StagingFamily._meta.db_table

    @cached_property
    def household_plans(self) -> str:  # what the import does to each accepted family
        from imports.models import StagingHousehold

        return StagingHousehold._meta.db_table

    @cached_property
    def member_plans(self) -> str:  # what the import does to each member of them
        from imports.models import StagingMember

        return StagingMember._meta.db_table

    @cached_property
    def issues(self) -> str:
        from imports.models import ImportIssue

        return ImportIssue._meta.db_table

    @cached_property
    def households(self) -> str:
        from households.models import Household

        return Household._meta.db_table

    @cached_property
    def members(self) -> str:
        from households.models import Member

        return Member._meta.db_table

    @cached_property
    def member_components(self) -> str:
        from households.models import Member

        return Member.components.through._meta.db_table

    @cached_property
    def components(self) -> str:
        from households.models import Component

        return Component._meta.db_table

    @cached_property
    def transfers(self) -> str:
        from households.models import HouseholdTransfer

        return HouseholdTransfer._meta.db_table

    @cached_property
    def fds_groups(self) -> str:
        from fds_sessions.models import FdsGroup

        return FdsGroup._meta.db_table


T = Tables()

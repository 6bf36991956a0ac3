"""Keep the stored aid eligibility in step with the household registry.

A family's or member's change (status, exit, birth date, components) can change which
aids the catalogue's rule makes them eligible for. The refresh of one family costs a
handful of queries and runs inside the writing transaction, so the family page and
the coverage figures never disagree. Bulk changes arrive as ``households_changed``.
"""

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from households.models import Household, Member
from households.signals import households_changed

# Fields of Household that never change aid eligibility nor the copy kept on the aid
# rows: a change of only these does nothing here.
IRRELEVANT_FIELDS = frozenset(
    {"fds_group", "address", "rt", "rw", "phone", "last_visit_on", "welfare_decile"}
    | {"year_joined", "no_kk", "updated_at"}
)
# Copied onto the aid rows (facilitator, village) without changing eligibility: a
# transfer of 5,000 families to another facilitator is one UPDATE, not a refresh.
COPIED_FIELDS = frozenset({"facilitator", "village"})


def _refresh(household_ids) -> None:
    from assistance.services import aid_eligibility_refresh

    aid_eligibility_refresh(household_ids=household_ids)


def _copy(household_ids) -> None:
    from assistance.services import aid_household_copy_sync

    aid_household_copy_sync(household_ids=household_ids)


@receiver(post_save, sender=Household, dispatch_uid="assistance_household_saved")
def household_saved(sender, instance, created, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields and set(update_fields) <= IRRELEVANT_FIELDS:
        return
    if update_fields and set(update_fields) <= IRRELEVANT_FIELDS | COPIED_FIELDS:
        _copy([instance.pk])
        return
    _refresh([instance.pk])


@receiver(post_save, sender=Member, dispatch_uid="assistance_member_saved")
def member_saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        _refresh([instance.household_id])


@receiver(m2m_changed, sender=Member.components.through, dispatch_uid="assistance_components")
def member_components_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # component.members.add(...): instance is a Component
        ids = Member.objects.filter(pk__in=pk_set or ()).values_list("household_id", flat=True)
        _refresh(set(ids))
    else:
        _refresh([instance.household_id])


@receiver(households_changed, dispatch_uid="assistance_households_changed")
def households_bulk_changed(sender, household_ids, fields=None, **kwargs):
    if fields is not None and set(fields) <= IRRELEVANT_FIELDS:
        return
    if fields is not None and set(fields) <= IRRELEVANT_FIELDS | COPIED_FIELDS:
        _copy(household_ids)
        return
    _refresh(household_ids)

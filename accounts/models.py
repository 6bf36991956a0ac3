from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    SUPERVISOR = "supervisor", _("Supervisor")
    FACILITATOR = "facilitator", _("Pendamping")


class User(AbstractUser):
    """A person using the app, with one role.

    * ``facilitator`` (pendamping sosial): works the families assigned to them; ``areas``
      are the villages they cover; ``supervisor`` is their team lead.
    * ``supervisor``: leads the team of facilitators whose ``supervisor`` is them.
    * ``admin``: district data operator; ``areas`` are the regions they administer.
    """

    role = models.CharField(_("peran"), max_length=16, choices=Role.choices, blank=True)
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team",
        limit_choices_to={"role": Role.SUPERVISOR},
    )
    areas = models.ManyToManyField(
        "regions.Region", verbose_name=_("wilayah tugas"), blank=True, related_name="+"
    )
    phone = models.CharField(_("telepon"), max_length=20, blank=True)

    class Meta:
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(supervisor__isnull=True) | Q(role="facilitator"),
                name="only_facilitators_have_supervisor",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def area_codes(self) -> list[str]:
        return list(self.areas.values_list("code", flat=True))

    @property
    def is_facilitator(self) -> bool:
        return self.role == Role.FACILITATOR

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN

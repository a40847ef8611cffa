from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """What one key (an account, an address, a staff user) has used of one budget in one
    time window. Written only by limits.services, one conditional step at a time."""

    scope = models.CharField(_("種類"), max_length=40)
    key = models.CharField(_("対象"), max_length=128)
    window_start = models.DateTimeField(_("期間の始まり"))
    used = models.PositiveIntegerField(_("使用回数"), default=0)
    last_at = models.DateTimeField(_("最後の使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("利用回数")
        verbose_name_plural = _("利用回数")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="one_counter_per_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="counter_window_idx")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} {self.used}"

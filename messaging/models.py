from django.db import models
from django.utils.translation import gettext_lazy as _


class SimulatedUser(models.Model):
    """A LINE user of the built-in LINE simulator (drill mode); never a real account."""

    user_id = models.CharField(_("LINE ユーザーID"), max_length=33, unique=True)
    display_name = models.CharField(_("表示名"), max_length=50)
    language = models.CharField(_("言語"), max_length=10, default="ja")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("シミュレーターの LINE ユーザー")
        verbose_name_plural = _("シミュレーターの LINE ユーザー")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.user_id})"

from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311EventKind(models.TextChoices):
    CLIENT_UPDATE = "client_update", _("Update from a client system")  # 接入系统转来的诉求人补充

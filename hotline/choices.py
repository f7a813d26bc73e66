from django.db import models
from django.utils.translation import gettext_lazy as _


class SensitiveKind(models.TextChoices):
    """敏感信息的类别."""

    THREAT = "threat", _("Threat")  # 扬言
    SELF_HARM = "self_harm", _("Self-harm")  # 自杀、跳楼
    VIOLENCE = "violence", _("Violence")  # 伤人、报复
    EXPLOSIVE = "explosive", _("Explosion or fire")  # 爆炸、纵火
    GATHERING = "gathering", _("Gathering")  # 聚集、上访
    PUBLIC_SAFETY = "public_safety", _("Public safety")  # 燃气泄漏、坍塌


class CallerFlagStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")

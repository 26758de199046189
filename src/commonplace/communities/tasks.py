"""Background work for communities: e-mailing notifications."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from huey.contrib.djhuey import db_task

from commonplace.communities.models import Notification


@db_task(retries=3, retry_delay=60)
def email_notification(notification_id: int) -> None:
    """Send one notification by e-mail, once, even if the task runs twice."""
    notification = (
        Notification.objects.select_related("user", "community")
        .filter(pk=notification_id, emailed_at__isnull=True, read_at__isnull=True)
        .first()
    )
    if notification is None or not notification.user.email:
        return
    lines = [notification.title, ""]
    if notification.reason:
        lines += [notification.reason, ""]
    lines += [
        f"{settings.SITE_URL}{notification.url}",
        "",
        "You can stop these e-mails, or being suggested for questions, on your profile:",
        f"{settings.SITE_URL}/accounts/profile/",
    ]
    send_mail(
        subject=f"[{notification.community.name}] {notification.title}",
        message="\n".join(lines),
        from_email=None,
        recipient_list=[notification.user.email],
    )
    # Marked after sending: a failed send is retried, a resend after a crash
    # between the two is the lesser harm than a lost message.
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())

"""Background work for communities: e-mailing notifications."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import db_task

from commonplace.communities.access import may_read_community
from commonplace.communities.models import Notification


@db_task(retries=3, retry_delay=60)
def email_notification(notification_id: int) -> None:
    """Send one notification by e-mail, once, even if the task runs twice."""
    notification = (
        Notification.objects.select_related("user", "community")
        .filter(pk=notification_id, emailed_at__isnull=True, read_at__isnull=True)
        .first()
    )
    if notification is None:
        return
    user = notification.user
    # Checked again when sending: the person may have left the community,
    # turned e-mail off or been deactivated since the notification was made.
    if not (user.email and user.email_notifications and user.is_active):
        return
    if not may_read_community(user, notification.community):
        return
    lines = [notification.title, ""]
    if notification.reason:
        lines += [notification.reason, ""]
    lines += [
        f"{settings.SITE_URL}{notification.url}",
        "",
        "You can stop these e-mails, or being suggested for questions, on your profile:",
        f"{settings.SITE_URL}{reverse('accounts:profile_edit')}",
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

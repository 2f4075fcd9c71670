"""Staff sessions: start time recorded at sign-in, all sessions ended when a user is deactivated."""

import time

from django.contrib.sessions.models import Session
from django.utils import timezone

from config.middleware import SESSION_STARTED_KEY


def mark_sign_in(sender, request, user, **kwargs):
    request.session[SESSION_STARTED_KEY] = int(time.time())


def end_sessions_of(user_id: int) -> int:
    """Delete every live session of a user; returns how many. Staff sessions are few (one office),
    so decoding each live session is cheap; anonymous visitors never get one."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()
            ended += 1
    return ended


def end_sessions_when_deactivated(sender, instance, **kwargs):
    if instance.pk is None or instance.is_active:
        return
    was_active = sender.objects.filter(pk=instance.pk, is_active=True).exists()
    if was_active:
        end_sessions_of(instance.pk)

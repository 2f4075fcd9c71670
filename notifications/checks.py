"""`manage.py check` warns when a channel would send nowhere: a gateway without its address,
or the console backend on a server with DEBUG off (it refuses there: sign-in codes and phone
numbers printed to stdout would land in the journal)."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def gateway_configured(app_configs, **kwargs):
    problems = []
    for channel, config in settings.NOTIFICATIONS.items():
        if config["BACKEND"].endswith("HttpGatewayBackend") and not config.get("OPTIONS", {}).get(
            "url"
        ):
            hint = "Set NOTIFY_GATEWAY_URL, NOTIFY_GATEWAY_TOKEN and NOTIFY_GATEWAY_TEMPLATE"
            # The console is a fix only for a development machine (it refuses with DEBUG off).
            hint += (
                f", or NOTIFY_{channel.upper()}_BACKEND=console on this development machine."
                if settings.DEBUG
                else "."
            )
            problems.append(
                Warning(
                    f"The {channel} channel uses the HTTP gateway but NOTIFY_GATEWAY_URL is"
                    " not set: its messages (owners' sign-in codes among them) fail.",
                    hint=hint,
                    id="notifications.W001",
                )
            )
        if config["BACKEND"].endswith("ConsoleBackend") and not settings.DEBUG:
            problems.append(
                Warning(
                    f"The {channel} channel uses the console backend with DEBUG off: it refuses"
                    " every message (it would print codes and phone numbers to the journal).",
                    hint="Set NOTIFY_GATEWAY_URL, NOTIFY_GATEWAY_TOKEN and NOTIFY_GATEWAY_TEMPLATE"
                    f" and NOTIFY_{channel.upper()}_BACKEND=http.",
                    id="notifications.W002",
                )
            )
    return problems

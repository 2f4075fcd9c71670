"""`manage.py check` warns when a channel would send nowhere (a gateway without its address)."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def gateway_configured(app_configs, **kwargs):
    problems = []
    for channel, config in settings.NOTIFICATIONS.items():
        if config["BACKEND"].endswith("HttpGatewayBackend") and not config.get("OPTIONS", {}).get(
            "url"
        ):
            problems.append(
                Warning(
                    f"The {channel} channel uses the HTTP gateway but NOTIFY_GATEWAY_URL is"
                    " not set: its messages (owners' sign-in codes among them) fail.",
                    hint="Set NOTIFY_GATEWAY_URL, NOTIFY_GATEWAY_TOKEN and NOTIFY_GATEWAY_TEMPLATE,"
                    f" or NOTIFY_{channel.upper()}_BACKEND=console on a test server.",
                    id="notifications.W001",
                )
            )
    return problems

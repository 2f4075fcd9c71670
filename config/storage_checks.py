"""`manage.py check --deploy` with STORAGE_BACKEND=s3: public photos and posters are plain
URLs into the media bucket, so the bucket must let anybody read the media location (or every
photo answers 403), and must not let anybody read the private location (certificate
documents, import rows, export results). The policy is read from the store itself."""

import json

from django.conf import settings
from django.core import checks
from django.core.files.storage import storages


def _public_read_prefixes(policy: dict, bucket: str) -> list[str]:
    """The key prefixes that the policy lets anybody GET ("" for the whole bucket)."""
    prefixes = []
    for statement in policy.get("Statement", []):
        principal = statement.get("Principal")
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        anybody = principal == "*" or (isinstance(principal, dict) and principal.get("AWS") == "*")
        reads = any(a in ("s3:GetObject", "s3:*", "*") for a in actions)
        if (
            statement.get("Effect") == "Allow"
            and anybody
            and reads
            and not statement.get("Condition")
        ):
            for resource in resources:
                head = f"arn:aws:s3:::{bucket}/"
                if resource.startswith(head) and resource.endswith("*"):
                    prefixes.append(resource[len(head) : -1])
    return prefixes


def _policy(storage) -> dict | None:
    client = storage.connection.meta.client
    try:
        return json.loads(client.get_bucket_policy(Bucket=storage.bucket_name)["Policy"])
    except client.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "NoSuchBucketPolicy":
            return None
        raise


@checks.register(checks.Tags.security, deploy=True)
def check_bucket_policies(app_configs=None, **kwargs):
    if settings.STORAGE_BACKEND != "s3":
        return []
    media, private = storages["default"], storages["private"]
    try:
        media_policy = _policy(media)
        private_policy = (
            media_policy if private.bucket_name == media.bucket_name else _policy(private)
        )
    except Exception as exc:  # the store unreachable, no permission to read the policy
        return [
            checks.Warning(
                f"The policy of bucket {media.bucket_name!r} could not be read ({exc}).",
                hint="Check the AWS_* settings; docs/DEPLOY.md, 'Public media in a bucket'.",
                id="umkm.W101",
            )
        ]
    problems = []
    media_prefix = f"{media.location.strip('/')}/"
    if not any(
        media_prefix.startswith(p)
        for p in _public_read_prefixes(media_policy or {}, media.bucket_name)
    ):
        problems.append(
            checks.Warning(
                f"Bucket {media.bucket_name!r} does not let anybody read {media_prefix}*: "
                "every business photo and bazaar poster will answer 403.",
                hint="Create the public-read policy: docs/DEPLOY.md, 'Public media in a bucket'.",
                id="umkm.W102",
            )
        )
    private_prefix = f"{private.location.strip('/')}/"
    if any(
        private_prefix.startswith(p)
        for p in _public_read_prefixes(private_policy or {}, private.bucket_name)
    ):
        problems.append(
            checks.Error(
                f"Bucket {private.bucket_name!r} lets anybody read {private_prefix}*: "
                "certificate documents and export results would be public.",
                hint="Limit the public statement to the media location (media/*).",
                id="umkm.E103",
            )
        )
    if not settings.MEDIA_ORIGIN:
        problems.append(
            checks.Warning(
                "MEDIA_ORIGIN is empty: the CSP's img-src blocks the bucket's photos.",
                id="umkm.W104",
            )
        )
    return problems

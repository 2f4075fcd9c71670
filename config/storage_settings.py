"""The file storages of settings.STORAGE_BACKEND (config/settings.py reads them from here):
the public media and the private documents on this machine's disk ("filesystem") or on an
S3-compatible object store ("s3", django-storages), and the origin the browser fetches public
media from (the CSP's img-src names it). Plain values only: nothing of Django is imported, as
settings are still being read."""

from urllib.parse import urlsplit

import environ


def file_storages(env, *, backend: str, media_url: str, private_root, debug: bool):
    """(STORAGES, media origin or None) for `backend`."""
    if backend == "s3":
        from botocore.config import Config as _botocore_config

        _s3 = {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="path"),
            "file_overwrite": False,
            "default_acl": None,  # the bucket's policy decides, not per-object ACLs
            # An unreachable store must not hold a worker: botocore's defaults wait 60 s per
            # connect and retry 4 times. Then the upload is refused with a message (middleware).
            "client_config": _botocore_config(
                connect_timeout=env.float("AWS_S3_CONNECT_TIMEOUT", default=3),
                read_timeout=env.float("AWS_S3_READ_TIMEOUT", default=10),
                retries={
                    "max_attempts": env.int("AWS_S3_MAX_ATTEMPTS", default=2),
                    "mode": "standard",
                },
            ),
        }
        _public_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default=None)
        # Where the browser fetches public photos and posters from: the custom domain (a CDN),
        # else the endpoint (path-style: https://host/bucket/media/...), else AWS's own host.
        # The bucket must let anybody read media/* (docs/DEPLOY.md, "Public media in a bucket";
        # `check --deploy` warns otherwise), and the CSP's img-src names this origin.
        if _public_domain:
            _media_origin = f"https://{_public_domain}"
        elif _s3["endpoint_url"]:
            _endpoint = urlsplit(_s3["endpoint_url"])
            _media_origin = f"{_endpoint.scheme}://" + (
                _endpoint.netloc
                if _s3["addressing_style"] == "path"
                else f"{_s3['bucket_name']}.{_endpoint.netloc}"
            )
        else:
            _region = f".{_s3['region_name']}" if _s3["region_name"] else ""
            _media_origin = f"https://{_s3['bucket_name']}.s3{_region}.amazonaws.com"
        _media_storage = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "location": env.str("AWS_MEDIA_LOCATION", default="media"),
                "querystring_auth": False,  # public photos and posters: plain URLs
                "custom_domain": _public_domain,
            },
        }
        _private_storage = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "bucket_name": env.str("AWS_PRIVATE_BUCKET_NAME", default=_s3["bucket_name"]),
                "location": env.str("AWS_PRIVATE_LOCATION", default="private"),
                # No URL to these objects is ever handed out, signed or not: the portal's views
                # check who asks and stream the file.
                "querystring_auth": False,
                "custom_domain": None,
            },
        }
    elif backend == "filesystem":
        _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        _private_storage = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # The service's own: nginx (in the umkm group, for var/media) never reads these.
            "OPTIONS": {
                "location": private_root,
                "base_url": None,
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
            },
        }
        # An absolute MEDIA_URL (a CDN) is an origin of its own; a path is this site's.
        _media_url = urlsplit(media_url)
        _media_origin = f"{_media_url.scheme}://{_media_url.netloc}" if _media_url.netloc else None
    else:
        raise environ.ImproperlyConfigured("STORAGE_BACKEND must be 'filesystem' or 's3'")
    storages = {
        "default": _media_storage,
        "private": _private_storage,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not debug
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        },
    }
    return storages, _media_origin

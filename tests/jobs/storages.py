"""A private storage that cannot be reached (an S3 bucket down): reads nothing, keeps nothing."""

from django.core.files.storage import Storage


class UnreachableStorage(Storage):
    def _save(self, name, content):
        raise OSError("Could not connect to the endpoint URL")

    def exists(self, name):
        raise OSError("Could not connect to the endpoint URL")

    def get_available_name(self, name, max_length=None):
        return name

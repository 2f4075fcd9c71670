"""The private storage (certificate documents, mentors' visit photos): never a public URL."""

from django.core.files.storage import Storage, storages


class PrivateStorage(Storage):
    """Forwards to settings.STORAGES["private"] looked up at each call, so that the storage
    settings (and tests overriding them) decide where documents go; never a public URL."""

    def _target(self):
        return storages["private"]

    def _open(self, name, mode="rb"):
        return self._target().open(name, mode)

    def _save(self, name, content):
        return self._target().save(name, content)

    def get_available_name(self, name, max_length=None):
        return self._target().get_available_name(name, max_length=max_length)

    def delete(self, name):
        return self._target().delete(name)

    def exists(self, name):
        return self._target().exists(name)

    def size(self, name):
        return self._target().size(name)

    def path(self, name):
        return self._target().path(name)

    def url(self, name):
        raise NotImplementedError("Private files are served by a view only.")


def private_storage():
    return PrivateStorage()

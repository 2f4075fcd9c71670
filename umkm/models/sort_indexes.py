"""Indexes that let the admin sort a large list by a column, both ways, without sorting the
table (umkm.admin.base.FastChangeList): (column, -id), read forwards for "column ascending,
newest first among equals" and backwards for the descending sort. The same index serves the
list filtered on that column in its default newest-first order."""

from django.db import models


def sort_indexes(prefix: str, *fields: str) -> list[models.Index]:
    return [models.Index(fields=[name, "-id"], name=f"{prefix}_{name}_sort") for name in fields]

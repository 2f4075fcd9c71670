"""What the bazaar and certificate sections share: the register of the scope, the
parameters of the day, the definitions under the tables."""

import datetime

from reports.asof import register_on_sql
from reports.selectors import Report, Scope
from umkm.models import BusinessStatus


def scope_register(scope: Scope) -> str:
    """The businesses in the register on %(on)s in the scope, by their kelurahan of that day:
    a kecamatan's few kelurahan by equality (the states' kelurahan index), the city by prefix."""
    return register_on_sql(
        "s.kelurahan_id LIKE %(prefix)s" if scope.is_city else "s.kelurahan_id = ANY(%(kelurahan)s)"
    )


def base_params(report: Report, on: datetime.date) -> dict:
    return {
        "n": report.scope.area_code_length,
        "prefix": report.scope.prefix + "%",
        "kelurahan": [a.code for a in report.areas],
        "start": report.period.start,
        "on": on,
        "active": BusinessStatus.AKTIF,
    }


def add_definitions(report: Report, *texts) -> None:
    report.extra.setdefault("definitions", []).extend(str(t) for t in texts)

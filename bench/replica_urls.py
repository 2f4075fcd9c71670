"""Two probe views for bench/replica_drill.py behind the project's own middleware: a write,
and a report read that says which database answered and what it saw."""

import json
import uuid

from django.contrib.auth.models import Group
from django.db import connections
from django.http import HttpResponse
from django.urls import include, path

from config.routers import read_alias, report_reads

PREFIX = "drill-"


def write(request):
    name = f"{PREFIX}{uuid.uuid4().hex[:12]}"
    Group.objects.create(name=name)
    return HttpResponse(name)


def read(request):
    with report_reads():
        alias = read_alias()
        names = set(Group.objects.filter(name__startswith=PREFIX).values_list("name", flat=True))
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
            standby, port = cursor.fetchone()
    body = {"alias": alias, "standby": standby, "port": port, "names": sorted(names)}
    return HttpResponse(json.dumps(body), content_type="application/json")


urlpatterns = [
    path("drill/write/", write),
    path("drill/read/", read),
    path("", include("config.urls")),
]

from django.urls import include, path


def boom(request):
    # Imitates a Postgres constraint error, whose DETAIL repeats the row being written.
    raise RuntimeError(
        "new row violates check constraint DETAIL: "
        "Failing row contains (7, Budi, +6281234567890, Jl. Mawar 5, 3173024107850001)."
    )


urlpatterns = [path("boom/", boom), path("", include("config.urls"))]

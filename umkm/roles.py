"""The three roles and the model permissions each holds.

Groups are created by a migration; `sync_roles` runs after every migrate so that permissions of
apps added later (bazaars, certifications, reports) join their roles too. Object-level rules
(which kecamatan) live in umkm.permissions.
"""

ADMIN_SUDIN = "Admin Sudin"
OPERATOR_KECAMATAN = "Operator Kecamatan"
PEJABAT = "Pejabat"

_REGISTER_MODELS = ["owner", "business", "businessstage", "training", "enrolment", "mentoring"]
_BAZAAR_MODELS = ["venue", "bazaar", "bazaarday", "booth"]
_BAZAAR_ENTRY_MODELS = ["participation", "attendance", "dailysales"]


def _crud(app: str, models: list[str]) -> list[str]:
    return [f"{app}.{action}_{m}" for m in models for action in ("view", "add", "change", "delete")]


def _view(app: str, models: list[str]) -> list[str]:
    return [f"{app}.view_{m}" for m in models]


# The kecamatan reports (reports app): every role reads them and exports them; which kecamatan
# is decided by umkm.permissions.can_access_kecamatan.
REPORT_PERMISSIONS = ["reports.view_report", "reports.export_report"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    ADMIN_SUDIN: [
        *_crud("umkm", [*_REGISTER_MODELS, "yearlytarget", "sector", "stage"]),
        *_view("umkm", ["city", "kecamatan", "kelurahan", "staffprofile"]),
        "umkm.view_nik",
        "umkm.view_personal_data",
        *REPORT_PERMISSIONS,
        *_crud("bazaars", [*_BAZAAR_MODELS, *_BAZAAR_ENTRY_MODELS]),
        # Certificates (issue 5): everything; types are data but their rules are code.
        *_crud("certifications", ["certificatecase", "casedocument"]),
        *_view("certifications", ["certificatetype", "casetransition"]),
        "certifications.change_certificatetype",
    ],
    OPERATOR_KECAMATAN: [
        *_crud("umkm", ["owner", "business", "businessstage", "enrolment", "mentoring"]),
        *_view(
            "umkm",
            ["training", "yearlytarget", "sector", "stage", "city", "kecamatan", "kelurahan"],
        ),
        "umkm.view_personal_data",
        *REPORT_PERMISSIONS,
        # Bazaars are planned by Sudin; operators enter their kecamatan's participants and
        # record check-ins and sales (object scope in umkm.permissions / bazaars.services).
        *_view("bazaars", _BAZAAR_MODELS),
        *[p for p in _crud("bazaars", _BAZAAR_ENTRY_MODELS) if p != "bazaars.delete_participation"],
        # Certificates of its own kecamatan (scoped by umkm.permissions); deleting a case,
        # and with it its history, is left to Admin Sudin.
        *_view("certifications", ["certificatetype", "casetransition"]),
        *[p for p in _crud("certifications", ["certificatecase"]) if "delete" not in p],
        *_crud("certifications", ["casedocument"]),
    ],
    PEJABAT: [
        *_view(
            "umkm",
            [
                *_REGISTER_MODELS,
                "yearlytarget",
                "sector",
                "stage",
                "city",
                "kecamatan",
                "kelurahan",
            ],
        ),
        *REPORT_PERMISSIONS,
        *_view("bazaars", [*_BAZAAR_MODELS, *_BAZAAR_ENTRY_MODELS]),
        # Cases and their history, read-only. No documents: they may hold personal data.
        *_view("certifications", ["certificatetype", "certificatecase", "casetransition"]),
    ],
}


def sync_roles(*, using: str = "default") -> None:
    """Create the role groups and give each exactly the permissions that exist of its list."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = set()
        for dotted in perms:
            app_label, codename = dotted.split(".", 1)
            wanted.add((app_label, codename))
        existing = [
            p
            for p in Permission.objects.using(using).select_related("content_type")
            if (p.content_type.app_label, p.codename) in wanted
        ]
        group.permissions.set(existing)

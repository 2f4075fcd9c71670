"""The register's models, one module per subject; `umkm.models` is their one address."""

from umkm.models.areas import (
    City,
    Kecamatan,
    Kelurahan,
    Sector,
    Stage,
)
from umkm.models.profile import (
    LINK_HOSTS,
    BusinessLink,
    BusinessPhoto,
    LinkKind,
    validate_link,
)
from umkm.models.programme import (
    DEFAULT_YEARLY_TARGET,
    Enrolment,
    Mentoring,
    Need,
    Training,
    YearlyTarget,
)
from umkm.models.register import (
    RP_BILLION,
    SCALE_LIMITS,
    Business,
    BusinessQuerySet,
    BusinessStage,
    BusinessStatus,
    Gender,
    Owner,
    OwnerQuerySet,
    Scale,
    StageEvent,
    StageRule,
    scale_for,
)
from umkm.models.staff import (
    PersonalDataAccess,
    StaffProfile,
)
from umkm.models.states import (
    BusinessState,
    BusinessStateQuerySet,
)

__all__ = [
    "DEFAULT_YEARLY_TARGET",
    "LINK_HOSTS",
    "RP_BILLION",
    "SCALE_LIMITS",
    "Business",
    "BusinessLink",
    "BusinessPhoto",
    "BusinessQuerySet",
    "BusinessStage",
    "BusinessState",
    "BusinessStateQuerySet",
    "BusinessStatus",
    "City",
    "Enrolment",
    "Gender",
    "Kecamatan",
    "Kelurahan",
    "LinkKind",
    "Mentoring",
    "Need",
    "Owner",
    "OwnerQuerySet",
    "PersonalDataAccess",
    "Scale",
    "Sector",
    "StaffProfile",
    "Stage",
    "StageEvent",
    "StageRule",
    "Training",
    "YearlyTarget",
    "scale_for",
    "validate_link",
]

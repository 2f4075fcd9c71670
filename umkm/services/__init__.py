"""Writes with rules in the register. Admin, the spreadsheet import, seed and other commands
call these; each owns its transaction, validates fully and records history (simple_history
records who through the request middleware or `_change_reason`/`history_user` set here).
One module per subject; this package is their one address (`from umkm import services`).
Every service takes a keyword-only `actor`: the acting user, or config.actors.SYSTEM for the
portal's own writes; None raises TypeError before anything happens.
"""

from umkm.services.base import (
    Outcome,
)
from umkm.services.mentoring import (
    mentoring_mark_stage,
    mentoring_record,
    mentoring_update,
)
from umkm.services.profile import (
    PROFILE_TEXT_FIELDS,
    business_profile_update,
)
from umkm.services.register import (
    business_create,
    business_update,
    owner_create,
    owner_match_merge,
    owner_update,
    owner_with_business_create,
    refresh_current_stage,
    stage_record,
    stage_save,
    stages_reorder,
    unique_business_slug,
)
from umkm.services.registration import (
    Registration,
    RegistrationError,
    TraineeData,
    trainees_check,
    trainees_register,
)
from umkm.services.stages import (
    stage_event,
    stage_rule_save,
)
from umkm.services.trainees import (
    enrolment_create,
    enrolment_remove,
    enrolment_update,
    trainee_add,
)

__all__ = [
    "PROFILE_TEXT_FIELDS",
    "Outcome",
    "Registration",
    "RegistrationError",
    "TraineeData",
    "business_create",
    "business_profile_update",
    "business_update",
    "enrolment_create",
    "enrolment_remove",
    "enrolment_update",
    "mentoring_mark_stage",
    "mentoring_record",
    "mentoring_update",
    "owner_create",
    "owner_match_merge",
    "owner_update",
    "owner_with_business_create",
    "refresh_current_stage",
    "stage_event",
    "stage_record",
    "stage_rule_save",
    "stage_save",
    "stages_reorder",
    "trainee_add",
    "trainees_check",
    "trainees_register",
    "unique_business_slug",
]

"""Trainee spreadsheet import in the training admin (preview, then confirm). Placeholder mixin:
TrainingAdmin inherits it so the import can add its URLs and button without touching admin.py."""


class TraineeImportAdminMixin:
    pass

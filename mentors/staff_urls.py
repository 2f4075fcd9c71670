"""Staff pages of the mentoring loop: /staf/pendamping/ (the staff-access rule)."""

from django.urls import path

from mentors import staff_views

app_name = "mentors_staff"

urlpatterns = [
    path("", staff_views.completeness, name="completeness"),
    path("pengingat/", staff_views.reminders, name="reminders"),
    path("naik-kelas/<int:pk>/", staff_views.suggestion, name="suggestion"),
]

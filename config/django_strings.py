"""Django's own interface strings that its Indonesian catalogue does not translate yet (new in
Django 6): listed here so that `make messages` keeps them in our catalogue, whose translations
take precedence over Django's (LOCALE_PATHS). Drop a line once Django translates it.

Seen in the admin: the empty choice of every select, and the date hierarchy's label above a
list ("Filter by binaan sejak").
"""

from django.utils.translation import gettext_noop

DJANGO_STRINGS = [
    gettext_noop("- Select an option -"),  # django.db.models.fields.BLANK_CHOICE_LABEL
    gettext_noop("Filter by %(field_name)s"),  # admin/date_hierarchy.html
    # django-simple-history's history page: its Indonesian catalogue lacks this column (shown
    # as "CHANGES" by the admin's upper-case table headers).
    gettext_noop("Changes"),  # simple_history/object_history_list.html
    gettext_noop("None"),  # its "changed by" of the portal's own writes
]

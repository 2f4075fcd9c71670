# Indonesian formats as the office writes them (config/formats/__init__.py), over Django's
# "25 Sep. 2023", "9.00" and "07-04-2019". What is not set here (input formats, separators)
# comes from Django's own Indonesian locale. Every time is Jakarta's (settings.TIME_ZONE).
DATE_FORMAT = "j F Y"  # 25 September 2023
TIME_FORMAT = r"H.i \W\I\B"  # 09.00 WIB
DATETIME_FORMAT = r"j F Y, H.i \W\I\B"  # 25 September 2023, 09.00 WIB
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"  # 25/09/2023
SHORT_DATETIME_FORMAT = r"d/m/Y H.i \W\I\B"  # 25/09/2023 09.00 WIB
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3

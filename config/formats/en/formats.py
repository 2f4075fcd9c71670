# English pages: English month names and separators, the office's 24-hour Jakarta time.
DATE_FORMAT = "j F Y"  # 25 September 2023
TIME_FORMAT = r"H:i \W\I\B"  # 09:00 WIB
DATETIME_FORMAT = r"j F Y, H:i \W\I\B"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = r"d/m/Y H:i \W\I\B"

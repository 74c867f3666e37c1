"""Numbers as the office writes them in its reports: 12,345 (Django's Chinese locale groups by
four with no separator). Only `intcomma` and explicitly localized numbers use it: ids, years and
form inputs stay plain because USE_THOUSAND_SEPARATOR is off."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

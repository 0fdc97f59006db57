"""Sites: an operator's locations (address, coordinates, time zone, opening hours) and the
rules a site's fields obey. Pure: no I/O beyond the IANA time-zone database zoneinfo reads."""

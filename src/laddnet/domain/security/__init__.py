"""Security events: failed station logins, refused frames and what stations report."""

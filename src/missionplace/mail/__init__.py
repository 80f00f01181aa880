"""E-mail: translated per recipient, queued on disk, delivered by a background thread."""

"""Operating an instance: backups and restores (`flask backup`, `flask restore`)."""

"""Tables of issue 17 (open_badge)."""

"""Tables of issue 17 (xapi)."""

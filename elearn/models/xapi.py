"""The xAPI outbox: no table yet."""

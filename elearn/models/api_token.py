"""API tokens of people and services: no table yet."""

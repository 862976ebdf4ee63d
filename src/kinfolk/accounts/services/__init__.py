"""Writes of the accounts app: two-factor authentication, password links, account events."""

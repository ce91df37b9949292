"""Typed FreshBooks SDK."""

"""Reads of the audits app, aggregated in SQL."""

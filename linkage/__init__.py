"""Satu Atap linkage: ingest siloed sources, standardise identities, link records into persons.

The pipeline reads as module names: ingest → standardise → block → compare → score → cluster → review.
"""

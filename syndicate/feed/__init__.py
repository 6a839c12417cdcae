"""Feeds: a format-neutral feed document (``document``) and one renderer per format (``render``).

Pure functions over immutable data: no Flask, no database.
"""

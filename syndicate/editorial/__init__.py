"""Editorial services: what editors do to sections and articles, with validation and events.

The API, the CLI importer and the desk call these; they never touch storage queries directly.
"""

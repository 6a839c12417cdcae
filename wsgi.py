"""WSGI entry point for any server: ``gunicorn wsgi:app``."""

from syndicate import create_app

app = create_app()

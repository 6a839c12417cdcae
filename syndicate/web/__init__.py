"""Web: public feeds and pages, the editor API, the desk."""

"""Static files named by their content (site.3f2a9c.css), so browsers may keep them for a year.

``rostra serve`` runs collectstatic, which writes the hashed copies and their manifest;
whitenoise then sends them with ``Cache-Control: max-age=315360000, immutable``. Where no
collectstatic has run (tests, a quick ``manage.py`` shell), a name not in the manifest is used
as it is and whitenoise's finders serve it, instead of every page failing.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class HashedStaticFiles(CompressedManifestStaticFilesStorage):
    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            return name

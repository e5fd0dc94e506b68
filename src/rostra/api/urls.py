from django.urls import include, path, re_path

from rostra.api.http import api_view, not_found
from rostra.api.main import api

# (Names avoid `app_name`: a module-level app_name would namespace this whole module.)
_ninja_patterns, _ninja_app, _ninja_namespace = api.urls
for _pattern in _ninja_patterns:
    _pattern.callback = api_view(_pattern.callback)

urlpatterns = [
    path("", include((_ninja_patterns, _ninja_app), namespace=_ninja_namespace)),
    re_path(r"^(?P<rest>.*)$", not_found),
]

"""URL layout: language-prefixed public pages (/fa/, /ar/, /en/); API, feeds and admin unprefixed."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from rostra.review.login_throttle import ThrottledAuthenticationForm

# The admin's login counts failures with the staff login page's limiter.
admin.site.login_form = ThrottledAuthenticationForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("rostra.api.urls")),
    path("", include("rostra.feeds.urls")),
]

urlpatterns += i18n_patterns(
    path("review/tokens/", include("rostra.api.token_urls")),
    path("review/", include("rostra.review.urls")),
    path("comments/", include("rostra.comments.urls")),
    path("live/", include("rostra.live.urls")),
    path("", include("rostra.public.urls")),
    prefix_default_language=True,
)

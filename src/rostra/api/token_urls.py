"""/<lang>/review/tokens/: the token pages, mounted beside the review pages by rostra.urls."""

from django.urls import path

from rostra.api import token_pages

app_name = "api_tokens"

urlpatterns = [
    path("", token_pages.tokens, name="list"),
    path("<int:pk>/revoke/", token_pages.revoke, name="revoke"),
]

from django.urls import path

from rostra.comments import views

app_name = "comments"

urlpatterns = [
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/<int:pk>/", views.moderate, name="moderate"),
    path("token/", views.token, name="token"),
    path("<str:slug>/post/", views.post, name="post"),
    path("<str:slug>/confirm/", views.confirm, name="confirm"),
]

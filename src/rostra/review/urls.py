from django.urls import path

from rostra.review.views import accounts, editor, glossary, media, metadata, queue, speech

app_name = "review"

urlpatterns = [
    path("", accounts.home, name="home"),
    path("login/", accounts.LoginView.as_view(), name="login"),
    path("logout/", accounts.LogoutView.as_view(), name="logout"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", accounts.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("queue/", queue.queue, name="queue"),
    path("speech/<str:slug>/", speech.speech_detail, name="speech"),
    path("speech/<str:slug>/approve/<str:language>/", speech.approve, name="approve"),
    path("speech/<str:slug>/publish/", speech.publish, name="publish"),
    path("speech/<str:slug>/unpublish/", speech.unpublish, name="unpublish"),
    path("speech/<str:slug>/withdraw/", speech.withdraw, name="withdraw"),
    path("speech/<str:slug>/media/", media.speech_media, name="media"),
    path("speech/<str:slug>/metadata/", metadata.speech_metadata, name="metadata"),
    path("transcript/<int:pk>/", editor.editor, name="editor"),
    path("transcript/<int:pk>/history/", editor.history, name="history"),
    path("transcript/<int:pk>/diff/", editor.diff, name="diff"),
    path("transcript/<int:pk>/revert/<int:number>/", editor.revert, name="revert"),
    path("transcript/<int:pk>/retranslate/", editor.retranslate, name="retranslate"),
    path("events/<str:slug>/glossary/", glossary.glossary, name="glossary"),
    path("events/<str:slug>/glossary/<int:pk>/delete/", glossary.delete, name="glossary_delete"),
    path("audit/", accounts.audit_log, name="audit"),
]

from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_save

# Apps whose rows public pages show; any write to them makes cached pages stale (media: the
# renditions and audio tracks the player and the download panel offer).
PUBLIC_CONTENT_APPS = ("archive", "transcripts", "comments", "rostra_media")


class PublicConfig(AppConfig):
    name = "rostra.public"
    label = "public"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rostra.public.pagecache import content_changed
        from rostra.archive.signals import speech_changed, speeches_written
        from rostra.search.signals import index_changed
        from rostra.transcripts.signals import transcript_changed

        for label in PUBLIC_CONTENT_APPS:
            for model in apps.get_app_config(label).get_models():
                post_save.connect(content_changed, sender=model,
                                  dispatch_uid=f"pagecache-save-{label}-{model.__name__}")
                post_delete.connect(content_changed, sender=model,
                                    dispatch_uid=f"pagecache-delete-{label}-{model.__name__}")
        def public_m2m_changed(sender, **kwargs):
            # Only links between public rows (speech topics, speakers), not auth groups.
            if sender._meta.app_label in PUBLIC_CONTENT_APPS:
                content_changed()

        m2m_changed.connect(public_m2m_changed, weak=False, dispatch_uid="pagecache-m2m")
        speech_changed.connect(content_changed, dispatch_uid="pagecache-speech")
        speeches_written.connect(content_changed, dispatch_uid="pagecache-import")
        transcript_changed.connect(content_changed, dispatch_uid="pagecache-transcript")
        # Search pages are cached too: they go stale when the index, written after commit,
        # holds the new text.
        index_changed.connect(content_changed, dispatch_uid="pagecache-search-index")

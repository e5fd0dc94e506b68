from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "rostra.search"
    label = "search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The archive and the transcript store send these after commit; the index follows
        # (rostra.search.indexing).
        from django.db.models.signals import post_delete

        from rostra.archive.models import Speech
        from rostra.archive.signals import speech_changed, speeches_written
        from rostra.search import backlog, indexing
        from rostra.transcripts.signals import transcript_changed, transcript_deleted

        transcript_changed.connect(indexing.on_transcript_changed,
                                   dispatch_uid="search.transcript_changed")
        transcript_deleted.connect(indexing.on_transcript_deleted,
                                   dispatch_uid="search.transcript_deleted")
        speech_changed.connect(indexing.on_speech_changed, dispatch_uid="search.speech_changed")
        # A program import: marked pending in its transaction, indexed after (backlog).
        speeches_written.connect(backlog.on_speeches_written,
                                 dispatch_uid="search.speeches_written")
        post_delete.connect(indexing.on_speech_deleted, sender=Speech,
                            dispatch_uid="search.speech_deleted")

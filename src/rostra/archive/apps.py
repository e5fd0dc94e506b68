from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete


class ArchiveConfig(AppConfig):
    name = "rostra.archive"
    label = "archive"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from rostra.archive.domain import speech_counts as counts
        from rostra.archive.domain import speech_languages
        from rostra.archive.models import Speaker, Speech, SpeechSpeaker, Topic
        from rostra.archive.signals import speeches_written

        post_save.connect(counts.on_speech_saved, sender=Speech, dispatch_uid="counts-speech")
        post_save.connect(speech_languages.on_speech_saved, sender=Speech,
                          dispatch_uid="languages-speech")
        pre_delete.connect(counts.on_speech_deleting, sender=Speech,
                           dispatch_uid="counts-speech-deleting")
        post_delete.connect(counts.on_speech_deleted, sender=Speech,
                            dispatch_uid="counts-speech-deleted")
        for signal in (post_save, post_delete):
            signal.connect(counts.on_speaker_link_changed, sender=SpeechSpeaker,
                           dispatch_uid=f"counts-speaker-link-{signal is post_save}")
        m2m_changed.connect(counts.on_topics_changed, sender=Speech.topics.through,
                            dispatch_uid="counts-topics")
        speeches_written.connect(counts.on_speeches_written, dispatch_uid="counts-import")
        for model in (Speaker, Topic):
            post_save.connect(counts.on_counted_row_saved, sender=model,
                              dispatch_uid=f"counts-row-{model.__name__}")

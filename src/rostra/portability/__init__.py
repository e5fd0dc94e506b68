"""A portable bundle of the whole archive: ``rostra export DIR`` / ``rostra import-archive DIR``.

Layout of a bundle (format version 1)::

    manifest.json       format, version, counts, sha256 of every other file below
    archive.json        every event, day, room, session, topic, speaker, media asset, speech,
                        transcript (with segments), transcript revision, approved comment,
                        interpreter audio track and web rendition
    subtitles/<speech>/<language>.<origin>.vtt   each transcript as WebVTT (for other tools)
    media/<aa>/<sha256>.<ext>                    the recordings (interpreters' too), named by
                                                 their checksum
    media/renditions/...                         the web renditions, as the media dir holds
                                                 them (an HLS rendition is a folder)
    media/photos/<aa>/<sha256>.<ext>             the speakers' photos, named by their checksum
                                                 (added within version 2: older readers of
                                                 version 2 verify them and restore without)
    export-info.json    when and by which version it was written (not checksummed, so two
                        exports of the same archive are identical byte for byte elsewhere)

Rows are referred to by natural keys (slugs, languages), never by database ids, so a bundle
restores into any database. Users, API tokens, the audit log and processing runs belong to
an installation and are not exported.
"""

FORMAT = "rostra-archive-bundle"
# 2 added interpreter audio tracks and web renditions; a version 1 bundle restores without them.
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MANIFEST = "manifest.json"
ARCHIVE = "archive.json"
EXPORT_INFO = "export-info.json"

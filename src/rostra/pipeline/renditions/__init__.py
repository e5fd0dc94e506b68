"""Web renditions of a recording: plan (which), encode (MP4, Opus, MP3, HLS), images (poster,
seek thumbnails) and tracks (interpreters' audio). No Django here."""

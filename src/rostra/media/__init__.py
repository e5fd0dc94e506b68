"""Media for the web: renditions of each recording, and interpreters' audio tracks."""

"""Live captions: the live job of a speech, its committed lines, the live page and its stream.

The streaming itself (sources, recognition, recording) is Django-free in
``rostra.pipeline.streaming``; this app stores what it produces and serves it to readers.
"""

"""Live recognition: audio sources read at their own pace, a rolling recognizer over
faster-whisper with a committed-text policy, and the recording kept while streaming.

No Django here; ``rostra.live`` is the glue that stores what this produces and serves it.
"""

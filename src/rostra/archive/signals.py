"""Signals the archive sends, so it need not import the apps that listen (search, feeds).

Defined here, where they are sent: a speech changes in rostra.archive.
"""

from django.dispatch import Signal

# Sent after a speech's metadata or publication state changed and the transaction committed
# (or at once outside a transaction). kwargs: speech (Speech).
speech_changed = Signal()

"""Signals the archive sends, so it need not import the apps that listen (search, feeds).

Defined here, where they are sent: a speech changes in rostra.archive.
"""

from django.dispatch import Signal

# Sent after a speech's metadata or publication state changed and the transaction committed
# (or at once outside a transaction). kwargs: speech (Speech).
speech_changed = Signal()

# Sent INSIDE the transaction of a program import, once, with the ids of the speeches it
# created or changed: a listener records work that must survive a kill after the commit (the
# search backlog) and registers its own on_commit for the rest. kwargs: speech_ids (list[int]).
speeches_written = Signal()

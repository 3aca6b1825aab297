"""The signal the demo loader sends once its researchers and news are in place.

Apps add their own demo content in a receiver (editorial: opportunities, events and
translated news), so the directory's loader never imports them.
"""

from django.dispatch import Signal

#: Sent with `user` (the demo pages' owner) and `log` (a one-line progress callback).
demo_data_loaded = Signal()

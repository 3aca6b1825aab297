"""Editorial content: news, events and opportunities that editors publish.

It holds what the community comes back for, beside the directory of people; the
directory knows nothing of it, and it reads the directory's topics and profiles.
"""

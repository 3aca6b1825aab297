"""Fictional demo data: loaded by `make run` (`load_demo_data`), removed with --flush.

`loading` holds what loads and removes it, `content` the hand-written facilities
and news, `images` the generated avatars and banners.
"""

from directory.demo.loading import (
    DEFAULT_RESEARCHERS,
    DEFAULT_SEED,
    DEMO_COLLECTION,
    DEMO_USERNAME,
    DemoResult,
    count_by_country,
    demo_data_present,
    demo_pages,
    demo_user,
    flush_demo_data,
    load_demo_data,
)

__all__ = [
    "DEFAULT_RESEARCHERS",
    "DEFAULT_SEED",
    "DEMO_COLLECTION",
    "DEMO_USERNAME",
    "DemoResult",
    "count_by_country",
    "demo_data_present",
    "demo_pages",
    "demo_user",
    "flush_demo_data",
    "load_demo_data",
]

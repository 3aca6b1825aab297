"""Path converters for database ids.

Django's `<int:...>` takes any number of digits, and one beyond 64 bits
overflows the database driver (a 500). `<id:...>` matches the same digits but
answers 404 for a number no row can have.
"""

from django.urls import register_converter
from django.urls.converters import IntConverter

MAX_ID = 2**63 - 1


class IdConverter(IntConverter):
    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is beyond any database id")  # the URL does not match
        return number


register_converter(IdConverter, "id")

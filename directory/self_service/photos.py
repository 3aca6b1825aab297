"""Profile photos uploaded by researchers: checked on the server, stripped of metadata.

The browser's word (file name, content type) is not trusted: Pillow opens the file,
its format must be one of `ALLOWED_FORMATS`, its size and pixel count are bounded
(a small PNG can decode into gigabytes), and it is re-encoded without EXIF (GPS
positions, camera serial numbers) before Wagtail stores it.
"""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError
from wagtail.images import get_image_model

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000


def check_photo(upload) -> PILImage.Image:
    """The decoded image, or a ValidationError saying what is wrong with the file."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The photo is %(size)s MB; at most %(limit)s MB fit.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": MAX_BYTES // 1024 // 1024},
            code="photo_size",
        )
    upload.seek(0)
    try:
        with PILImage.open(upload) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="photo_type")
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The photo has %(pixels)s pixels; at most %(limit)s fit.")
                    % {"pixels": f"{width * height:,}", "limit": f"{MAX_PIXELS:,}"},
                    code="photo_pixels",
                )
            probe.load()
            image = ImageOps.exif_transpose(probe)
            image.format = image_format
    except (UnidentifiedImageError, OSError, PILImage.DecompressionBombError) as exc:
        raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="photo_type") from exc
    return image


def store_photo(image: PILImage.Image, title: str):
    """A new Wagtail image from `image`, re-encoded without any metadata."""
    image_format = image.format or "JPEG"
    # A new image from the pixels alone: no `info`, so no EXIF, XMP or ICC text.
    clean = PILImage.frombytes(image.mode, image.size, image.tobytes())
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    if image_format == "JPEG" and clean.mode not in ("RGB", "L"):
        clean = clean.convert("RGB")
    buffer = io.BytesIO()
    clean.save(buffer, format=image_format)  # no exif= argument: nothing carried over
    buffer.seek(0)
    extension = ALLOWED_FORMATS[image_format]
    file = ImageFile(buffer, name=f"profile-photo.{extension}")
    return get_image_model().objects.create(title=title, file=file)

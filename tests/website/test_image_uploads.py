"""Uploaded images are bounded in pixels as well as in bytes.

A PNG of 11,000 × 11,000 one-bit pixels is under 15 KB, yet every rendition of it
decodes 121 million pixels (seconds and hundreds of megabytes each). Wagtail refuses it
at upload once WAGTAILIMAGES_MAX_IMAGE_PIXELS is below that.
"""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

pytestmark = [
    pytest.mark.django_db,
    # Pillow warns on opening anything over its own 89-megapixel mark; expected here.
    pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
]


def png(width: int, height: int, name: str = "upload.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("1", (width, height)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("ed", "ed@example.org", "pw"))
    return client


def test_a_tiny_file_of_121_megapixels_is_refused_with_a_clear_message(editor_client):
    bomb = png(11_000, 11_000, "bomb.png")
    assert bomb.size < 16_000  # the point: the byte limit alone would let it in

    response = editor_client.post(reverse("wagtailimages:add"), {"title": "Bomb", "file": bomb})

    assert response.status_code == 200  # the form again
    errors = response.context["form"].errors["file"]
    assert errors == ["This file has too many pixels (121000000). Maximum pixels 40000000."]
    assert not get_image_model().objects.exists()


def test_the_multiple_upload_refuses_it_too(editor_client):
    response = editor_client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": png(11_000, 11_000, "bomb.png")},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.json()["success"] is False
    assert "too many pixels" in response.json()["error_message"]
    assert not get_image_model().objects.exists()


def test_a_large_photo_within_the_limits_is_accepted(editor_client):
    response = editor_client.post(
        reverse("wagtailimages:add"), {"title": "Lab", "file": png(6_000, 4_000, "lab.png")}
    )
    assert response.status_code == 302
    assert get_image_model().objects.get().width == 6_000


def test_a_file_over_the_size_limit_is_refused(editor_client):
    """11 MB of noise (few pixels, many bytes) is over the 10 MB limit."""
    buffer = io.BytesIO()
    PILImage.frombytes("L", (3_400, 3_400), os.urandom(3_400 * 3_400)).save(buffer, "PNG")
    big = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    assert big.size > 11_000_000

    response = editor_client.post(reverse("wagtailimages:add"), {"title": "Big", "file": big})

    assert response.context["form"].errors["file"][0].startswith("This file is too big (11.")
    assert "Maximum filesize 10.0\xa0MB" in response.context["form"].errors["file"][0]
    assert not get_image_model().objects.exists()

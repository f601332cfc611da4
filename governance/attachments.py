"""Uploaded photos and documents, for every app that takes them: type sniffed from the content,
size and pixels capped, images re-encoded (no EXIF, no trailing payload), stored under a random
name. Each app keeps its own rows (an `AttachmentBase` subclass, governance.models); `store`
fills them."""

import io
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/jpeg", "jpg")}


def _reencode(data: bytes) -> tuple[bytes, str, str]:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if fmt not in IMAGE_FORMATS:
                raise ValidationError(_("只接受 JPEG、PNG、WebP 图片或 PDF 文件。"))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("图片像素过大。"))
            probe.load()
            image = probe.convert("RGB") if fmt != "PNG" else probe.copy()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValidationError(_("图片文件已损坏或格式不受支持。")) from None
    content_type, ext = IMAGE_FORMATS[fmt]
    out = io.BytesIO()
    image.save(out, format="PNG" if ext == "png" else "JPEG", quality=85)
    return out.getvalue(), content_type, ext


def prepare(upload) -> tuple[ContentFile, str, str, int]:
    """Check and clean one uploaded file: (content, content_type, original_name, size)."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("文件不能超过 10 MB。"))
    data = upload.read()
    if data.startswith(b"%PDF-"):
        content, content_type, ext = data, "application/pdf", "pdf"
    else:
        content, content_type, ext = _reencode(data)
    name = f"{uuid.uuid4().hex}.{ext}"
    return ContentFile(content, name=name), content_type, (upload.name or name)[:200], len(content)


def store(model, uploads, *, uploaded_by, **fields) -> list:
    """Check, clean and save each upload as a row of `model` (an AttachmentBase) with `fields`
    (the rows it hangs on). A bad file raises ValidationError; call it inside the transaction
    of the step it belongs to, so nothing is half-written."""
    rows = []
    for upload in uploads:
        content, content_type, original, size = prepare(upload)
        rows.append(
            model.objects.create(
                file=content,
                original_name=original,
                content_type=content_type,
                size=size,
                uploaded_by=uploaded_by,
                **fields,
            )
        )
    return rows

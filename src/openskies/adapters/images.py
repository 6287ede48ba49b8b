"""Image files in and out for fingerprinting: TIFF (tifffile), PNG and JPEG (Pillow).

Why these libraries: tifffile reads and writes TIFF strip by strip, 8 and 16 bit, and keeps
every tag (GeoTIFF's included) as it found it; Pillow is the reference Python codec for
PNG and JPEG and can re-encode a JPEG with the original's quantisation tables and chroma
subsampling. A TIFF is read through a memory map (decoded into a temporary file when it is
compressed) and its copy written strip by strip, so a frame is never held whole in memory;
PNG and JPEG codecs decode whole images, so those are held whole. Anything else (SAR phase
data, unknown formats, palette or float images) is ``Unsupported`` and is delivered unchanged.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from openskies.custody.fingerprint import ArraySource, luminance

__all__ = ["ImageFile", "ImageFormat", "Unsupported", "open_image", "read_grey", "sniff"]

# Tags tifffile writes itself from the image's shape, dtype and layout.
_STRUCTURAL = {
    254,
    256,
    257,
    258,
    259,
    262,
    273,
    277,
    278,
    279,
    284,
    317,
    322,
    323,
    324,
    325,
    338,
    339,
    347,
    530,
    282,
    283,
    296,
    305,
}


class ImageFormat(StrEnum):
    """The image formats that are fingerprinted."""

    TIFF = "tiff"
    PNG = "png"
    JPEG = "jpeg"


class Unsupported(ValueError):
    """Not an image this service fingerprints; the reason says why."""


def sniff(head: bytes) -> ImageFormat | None:
    """The format from a file's first bytes, or None."""
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return ImageFormat.TIFF
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return ImageFormat.PNG
    if head[:3] == b"\xff\xd8\xff":
        return ImageFormat.JPEG
    return None


class ImageFile(ArraySource):
    """An opened image: rows on demand (``read``) and how to write a copy like it.

    ``array`` is a memory map for TIFF, an array for PNG and JPEG."""

    def __init__(
        self,
        kind: ImageFormat,
        pixels: NDArray[Any],
        meta: dict[str, Any] | None = None,
        closers: list[Any] | None = None,
    ) -> None:
        super().__init__(pixels)
        self.format = kind
        self.meta = meta or {}
        self._closers = closers or []

    @property
    def pixels(self) -> NDArray[Any]:
        """All the pixels (a memory map for TIFF)."""
        return self.array

    def close(self) -> None:
        """Release the file and any temporary decoded copy."""
        for closer in self._closers:
            with contextlib.suppress(Exception):
                closer()
        self._closers.clear()

    def __enter__(self) -> ImageFile:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def write_copy(self, strips: Iterable[NDArray[Any]], path: Path) -> None:
        """Write rows (in strips, top to bottom) as a file of the same format and metadata."""
        if self.format is ImageFormat.TIFF:
            _write_tiff(self, strips, path)
        else:
            _write_pillow(self, strips, path)


def open_image(path: Path) -> ImageFile:
    """Open an image to fingerprint; ``Unsupported`` (with the reason) for anything else."""
    with path.open("rb") as handle:
        kind = sniff(handle.read(16))
    if kind is None:
        raise Unsupported("not a TIFF, PNG or JPEG image")
    if kind is ImageFormat.TIFF:
        return _open_tiff(path)
    return _open_pillow(path, kind)


def _open_tiff(path: Path) -> ImageFile:
    import tifffile

    tif = tifffile.TiffFile(path)
    try:
        if len(tif.pages) != 1:
            raise Unsupported(f"a TIFF of {len(tif.pages)} pages (one image expected)")
        page = tif.pages[0]
        assert isinstance(page, tifffile.TiffPage)
        if page.dtype not in (np.uint8, np.uint16):
            raise Unsupported(f"TIFF samples of type {page.dtype} (8 or 16 bit expected)")
        if page.photometric not in (0, 1, 2) or page.planarconfig != 1:
            raise Unsupported("a palette, separated-plane or other TIFF layout")
        if len(page.shape) not in (2, 3):
            raise Unsupported(f"a TIFF of shape {page.shape}")
        try:
            pixels = page.asarray(out="memmap")
        except Exception as error:  # a codec tifffile lacks (e.g. LZW without imagecodecs)
            raise Unsupported(f"TIFF compression {page.compression!r}: {error}") from None
        extratags = []
        for tag in page.tags:
            if tag.code not in _STRUCTURAL:
                extratags.append((tag.code, int(tag.dtype), tag.count, tag.value, True))
        meta: dict[str, Any] = {
            "photometric": page.photometric,
            "compressed": page.compression != 1,
            "extratags": extratags,
            "software": page.software or False,
            "resolution": page.resolution,
            "resolutionunit": page.resolutionunit,
        }
    except BaseException:
        tif.close()
        raise
    return ImageFile(ImageFormat.TIFF, pixels, meta, [tif.close])


ROWS_PER_STRIP = 64


def _write_tiff(image: ImageFile, strips: Iterable[NDArray[Any]], path: Path) -> None:
    import tifffile

    meta = image.meta
    compressed = bool(meta["compressed"])
    row_bytes = (
        image.width
        * image.pixels.dtype.itemsize
        * (1 if image.pixels.ndim == 2 else image.pixels.shape[2])
    )

    def encoded() -> Iterator[bytes]:
        pending = b""
        for strip in strips:
            pending += np.ascontiguousarray(strip).tobytes()
            while len(pending) >= row_bytes * ROWS_PER_STRIP:
                chunk, pending = (
                    pending[: row_bytes * ROWS_PER_STRIP],
                    pending[row_bytes * ROWS_PER_STRIP :],
                )
                yield zlib.compress(chunk, 6) if compressed else chunk
        if pending:
            yield zlib.compress(pending, 6) if compressed else pending

    photometric = {0: "miniswhite", 1: "minisblack", 2: "rgb"}[int(meta["photometric"])]
    tifffile.imwrite(
        path,
        data=encoded(),
        shape=image.pixels.shape,
        dtype=image.pixels.dtype,
        photometric=photometric,
        planarconfig="contig" if image.pixels.ndim == 3 else None,
        compression="zlib" if compressed else None,
        rowsperstrip=ROWS_PER_STRIP,
        extratags=meta["extratags"],
        software=meta["software"],
        resolution=meta["resolution"][:2] if meta["resolution"] else None,
        resolutionunit=meta["resolutionunit"],
        metadata=None,
    )


_MODES = {"L": np.uint8, "RGB": np.uint8, "RGBA": np.uint8, "LA": np.uint8, "I;16": np.uint16}


def _open_pillow(path: Path, kind: ImageFormat) -> ImageFile:
    from PIL import Image, JpegImagePlugin

    with Image.open(path) as im:
        if im.mode not in _MODES:
            raise Unsupported(f"a {kind.value.upper()} image of mode {im.mode}")
        if getattr(im, "n_frames", 1) != 1:
            raise Unsupported("an animated image")
        meta: dict[str, Any] = {"mode": im.mode, "info": dict(im.info)}
        if kind is ImageFormat.JPEG:
            meta["qtables"] = im.quantization  # type: ignore[attr-defined]
            meta["subsampling"] = JpegImagePlugin.get_sampling(im)
        pixels = np.asarray(im)
    return ImageFile(kind, pixels, meta)


def _write_pillow(image: ImageFile, strips: Iterable[NDArray[Any]], path: Path) -> None:
    from PIL import Image, PngImagePlugin

    pixels = np.concatenate(list(strips), axis=0)
    meta = image.meta
    info = meta["info"]
    out = Image.fromarray(pixels)
    extra = {k: info[k] for k in ("icc_profile", "exif", "dpi") if k in info}
    if image.format is ImageFormat.JPEG:
        out.save(path, "JPEG", qtables=meta["qtables"], subsampling=meta["subsampling"], **extra)
        return
    text = PngImagePlugin.PngInfo()
    for key, value in info.items():
        if isinstance(value, str):
            text.add_text(key, value)
    out.save(path, "PNG", pnginfo=text, **extra)


def read_grey(path: Path) -> NDArray[np.float32]:
    """A suspect copy's grey levels (Rec. 601 luma), in any format Pillow or tifffile reads."""

    with path.open("rb") as handle:
        kind = sniff(handle.read(16))
    if kind is ImageFormat.TIFF:
        import tifffile

        return luminance(tifffile.imread(path))
    from PIL import Image

    with Image.open(path) as im:
        pixels = np.asarray(im if im.mode in _MODES else im.convert("RGB"))
    return luminance(pixels)

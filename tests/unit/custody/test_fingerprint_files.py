"""Image files for fingerprinting: TIFF 8/16-bit with GeoTIFF tags kept, PNG, JPEG (same
quantisation tables), and anything else refused as unsupported (delivered unchanged)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import tifffile
from PIL import Image

from openskies.adapters.images import ImageFormat, Unsupported, open_image, read_grey
from openskies.custody.fingerprint import (
    Carrier,
    Delivery,
    FingerprintParams,
    code_of,
    embed_strips,
    image_scale,
    trace,
)
from tests.unit.custody._imagery import psnr, terrain

GEOTIFF = [
    (33550, 12, 3, (0.5, 0.5, 0.0), True),  # ModelPixelScaleTag
    (33922, 12, 6, (0.0, 0.0, 0.0, 500000.0, 5800000.0, 0.0), True),  # ModelTiepointTag
    (34735, 3, 8, (1, 1, 0, 1, 1024, 0, 1, 1), True),  # GeoKeyDirectoryTag
]


def _copy(path: Path, out: Path) -> tuple[np.ndarray, Carrier]:
    with open_image(path) as image:
        carrier = Carrier(b"k", image.height, image.width, image_scale(image), FingerprintParams())
        image.write_copy(embed_strips(image, carrier, code_of(carrier).codeword(b"s")), out)
        return image.read(0, image.height).copy(), carrier


@pytest.mark.parametrize(("dtype", "compression"), [(np.uint8, None), (np.uint16, "zlib")])
def test_tiff_copy_keeps_geotiff_tags_depth_and_shape(tmp_path: Path, dtype, compression) -> None:
    grey = terrain(300, 400, seed=5).astype(dtype)
    if dtype == np.uint16:
        grey = grey * 16 + 100
    original = tmp_path / "frame.tif"
    tifffile.imwrite(original, grey, compression=compression, rowsperstrip=16, extratags=GEOTIFF)
    before = original.read_bytes()
    pixels, carrier = _copy(original, tmp_path / "copy.tif")
    assert original.read_bytes() == before  # the original is never altered
    with tifffile.TiffFile(tmp_path / "copy.tif") as tif:
        page = tif.pages[0]
        tags = {t.code: t.value for t in page.tags}
        copy = page.asarray()
    assert copy.dtype == dtype and copy.shape == grey.shape
    for code, _, _, value, _ in GEOTIFF:
        assert tuple(tags[code]) == value
    peak = 255.0 if dtype == np.uint8 else float(np.ptp(pixels))  # 16-bit: the range used
    assert psnr(pixels, copy, peak) >= 42.0
    with open_image(original) as image:
        named = trace(
            image, carrier, [Delivery("d", "FRA", b"s")], read_grey(tmp_path / "copy.tif")
        )
    assert named.as_json()["recipient"] == "FRA"


def test_png_and_jpeg_copies_keep_their_format(tmp_path: Path) -> None:
    colour = terrain(256, 256, seed=6, colour=True)
    Image.fromarray(colour).save(tmp_path / "f.png")
    Image.fromarray(colour).save(tmp_path / "f.jpg", quality=90)
    for name, kind in (("f.png", ImageFormat.PNG), ("f.jpg", ImageFormat.JPEG)):
        with open_image(tmp_path / name) as image:
            assert image.format is kind
        pixels, _ = _copy(tmp_path / name, tmp_path / f"copy-{name}")
        with Image.open(tmp_path / f"copy-{name}") as out, Image.open(tmp_path / name) as src:
            assert out.format == src.format and out.size == (256, 256)
            if kind is ImageFormat.JPEG:
                assert out.quantization == src.quantization  # type: ignore[attr-defined]
            assert psnr(pixels, np.asarray(out)) >= 42.0


def test_non_images_and_unsupported_layouts_are_refused(tmp_path: Path) -> None:
    (tmp_path / "sar.raw").write_bytes(b"\x00\x01SAR phase history" * 100)
    with pytest.raises(Unsupported, match="not a TIFF, PNG or JPEG"):
        open_image(tmp_path / "sar.raw")
    tifffile.imwrite(tmp_path / "float.tif", np.zeros((8, 8), dtype=np.float32))
    with pytest.raises(Unsupported, match="8 or 16 bit"):
        open_image(tmp_path / "float.tif")
    Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).convert("P").save(tmp_path / "p.png")
    with pytest.raises(Unsupported, match="mode P"):
        open_image(tmp_path / "p.png")

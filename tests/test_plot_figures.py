"""``make figures``: the gallery script writes every image, each small."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from PIL import Image  # noqa: E402

from chainsim import figures  # noqa: E402


def test_gallery_images_are_written_and_small(tmp_path, capsys):
    assert figures.main(str(tmp_path)) == 0
    out = capsys.readouterr().out
    for name in figures.GALLERY:
        path = tmp_path / name
        assert path.exists(), out
        assert 2_000 < path.stat().st_size < 150_000           # palette PNGs stay small
        with Image.open(path) as im:                           # 150 dpi, sized for reading
            assert im.format == "PNG" and 1000 <= im.width <= 2000 and 500 <= im.height <= 1200
            assert round(im.info["dpi"][0]) >= 150
    assert 2 <= len(figures.GALLERY) <= 4

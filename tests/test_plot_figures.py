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
        assert 2_000 < path.stat().st_size < 60_000            # a few tens of kB at most
        with Image.open(path) as im:
            assert im.format == "PNG" and 300 < im.width < 900 and 150 < im.height < 500
    assert 2 <= len(figures.GALLERY) <= 4

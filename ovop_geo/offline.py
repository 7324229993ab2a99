"""Leaflet served from the app itself, so maps draw with no internet connection.

folium's default page loads Leaflet, jQuery, Bootstrap and icon fonts from CDNs; in a planning
office with a poor connection the map then never appears. This module copies Leaflet's own files
(``leaflet.js``, ``leaflet.css`` and ``images/``) from the PyPI package ``xstatic-leaflet`` into the
app's static folder, and gives :mod:`ovop_geo.render` the same files as text to inline into a
self-contained HTML export.

Run ``python -m ovop_geo.offline static/leaflet`` next to ``app.py`` (the Makefile does).
"""

from __future__ import annotations

import base64
import filecmp
import logging
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from ovop_geo.errors import OvopError

__all__ = ["install_leaflet", "leaflet_inline_assets", "leaflet_source_dir"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

_FILES = ("leaflet.js", "leaflet.css")
_IMAGE_SUFFIXES = (".png", ".svg")
_CSS_URL = re.compile(r"url\((['\"]?)images/([A-Za-z0-9_.-]+)\1\)")


def leaflet_source_dir() -> Path:
    """Folder holding Leaflet's distribution files inside the ``xstatic-leaflet`` package.

    Returns
    -------
    pathlib.Path
        The package's data folder (with ``leaflet.js``, ``leaflet.css`` and ``images/``).

    Raises
    ------
    OvopError
        If ``xstatic-leaflet`` is not installed or lacks Leaflet's files.
    """
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as err:
        raise OvopError(
            "The Python package 'xstatic-leaflet' is not installed, so the map cannot be served "
            "offline. Install it with: pip install 'ovop-geo[app]' "
            "(or pip install xstatic-leaflet)."
        ) from err
    base = Path(xleaflet.BASE_DIR)
    missing = [name for name in (*_FILES, "images") if not (base / name).exists()]
    if missing:
        raise OvopError(
            f"{base}: Leaflet files missing from the 'xstatic-leaflet' package: "
            f"{', '.join(missing)}. "
            "Reinstall it with: pip install --force-reinstall xstatic-leaflet."
        )
    return base


def _copy_if_changed(src: Path, dst: Path) -> bool:
    """Copy one file atomically unless ``dst`` already holds the same bytes; True if copied."""
    if dst.is_file() and not dst.is_symlink() and filecmp.cmp(src, dst, shallow=False):
        return False
    if dst.is_symlink():
        dst.unlink()
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def install_leaflet(dest: str | os.PathLike[str]) -> Path:
    """Copy Leaflet's ``leaflet.js``, ``leaflet.css`` and ``images/`` into ``dest``.

    Files are copied (never linked: Streamlit refuses static files that resolve outside its
    ``static/`` folder). Running it again changes nothing unless the package's files changed.

    Parameters
    ----------
    dest : str or path-like
        Target folder, usually ``static/leaflet`` next to ``app.py``; created if missing.

    Returns
    -------
    pathlib.Path
        The target folder.

    Raises
    ------
    OvopError
        If ``xstatic-leaflet`` is missing (see :func:`leaflet_source_dir`).
    """
    src = leaflet_source_dir()
    dest = Path(dest)
    (dest / "images").mkdir(parents=True, exist_ok=True)
    pairs = [(src / name, dest / name) for name in _FILES]
    pairs += [
        (image, dest / "images" / image.name)
        for image in sorted((src / "images").iterdir())
        if image.suffix in _IMAGE_SUFFIXES
    ]
    copied = sum(_copy_if_changed(s, d) for s, d in pairs)
    logger.info("Leaflet in '%s': %d of %d files copied", dest, copied, len(pairs))
    return dest


def leaflet_inline_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS as text, with the CSS images embedded as data URIs.

    Returns
    -------
    tuple of str
        ``(javascript, css)``, ready to be placed in ``<script>`` and ``<style>`` elements of a
        self-contained HTML file.
    """
    src = leaflet_source_dir()
    js = (src / "leaflet.js").read_text(encoding="utf-8")
    css = (src / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = src / "images" / match.group(2)
        if not image.is_file():
            return match.group(0)
        mime = "image/svg+xml" if image.suffix == ".svg" else "image/png"
        payload = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:{mime};base64,{payload})"

    return js, _CSS_URL.sub(data_uri, css)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m ovop_geo.offline DEST``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.stderr.write("usage: python -m ovop_geo.offline DEST\n")
        return 2
    try:
        dest = install_leaflet(args[0])
    except OvopError as err:
        sys.stderr.write(f"{err}\n")
        return 1
    sys.stdout.write(f"Leaflet files are in {dest}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

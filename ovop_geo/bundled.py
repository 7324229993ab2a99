"""Where the bundled files live: the one module that knows.

The project ships its regions as data: manifests in ``layers/`` and the files they name in
``data/`` (boundaries, the paper's tables, parameter tables, illustrative layers, licences). In a
source checkout they sit beside the package; an installed wheel carries the same two folders
inside the package, as ``ovop_geo/_bundled/layers`` and ``ovop_geo/_bundled/data`` (see
``pyproject.toml``), so the manifests' relative paths (``../data/...``) hold in both.

Everything else asks this module, through :func:`importlib.resources`, never through
``Path(__file__)``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from ovop_geo.errors import OvopError

__all__ = ["bundled_file", "bundled_root", "layers_dir", "params_table"]

_PACKAGE = "ovop_geo"
_IN_WHEEL = "_bundled"


def _is_root(folder: Path) -> bool:
    return (folder / "layers").is_dir() and (folder / "data").is_dir()


@cache
def bundled_root() -> Path:
    """The folder that holds ``layers/`` and ``data/``.

    Returns
    -------
    pathlib.Path
        ``ovop_geo/_bundled`` in an installed wheel; the checkout's top folder when the package
        is imported from a source checkout (an editable install or ``PYTHONPATH``).

    Raises
    ------
    OvopError
        If neither exists (a broken installation).
    """
    package = resources.files(_PACKAGE)
    if not isinstance(package, Path):  # a zip import: GDAL needs real files
        raise OvopError(
            f"ovop_geo is imported from an archive ({package}); its bundled data must be on disk. "
            "Install the wheel with pip instead."
        )
    for candidate in (package / _IN_WHEEL, package.parent):
        if _is_root(candidate):
            return candidate.resolve()
    raise OvopError(
        f"The bundled regions are missing: neither '{package / _IN_WHEEL}' nor '{package.parent}' "
        "holds the folders 'layers' and 'data'. Reinstall the package: "
        "pip install --force-reinstall ovop-geo."
    )


def layers_dir() -> Path:
    """The folder of the bundled region manifests (``layers/``)."""
    return bundled_root() / "layers"


def bundled_file(relative: str) -> Path:
    """A bundled file by its path under the bundled root, e.g. ``"data/params/crops.csv"``.

    Raises
    ------
    OvopError
        If it does not exist; the message lists the files of that folder.
    """
    path = bundled_root() / relative
    if not path.is_file():
        folder = path.parent
        known = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        raise OvopError(
            f"Bundled file '{relative}' not found. "
            + (f"'{folder.name}' holds: {', '.join(known)}." if known else "")
        )
    return path


def params_table(name: str) -> Path:
    """A bundled parameter table by name: ``"criteria.csv"`` is ``data/params/criteria.csv``."""
    return bundled_file(f"data/params/{name}")

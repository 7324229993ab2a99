"""Writing results: the only module that writes files.

Every output is written to a temporary file in the destination folder and renamed into place
(:func:`os.replace` is atomic on one file system), so a reader never sees half a file. A set of
outputs is staged first and only renamed once all of them were written: a failure part way leaves
the previous outputs untouched and no partial files behind.

GeoJSON follows RFC 7946: EPSG:4326, longitude/latitude order, no ``crs`` member.
CSV cells that begin with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) in text
columns are prefixed with an apostrophe so a spreadsheet does not run them as formulas.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely.geometry

from .errors import OvopError

__all__ = [
    "atomic_write_bytes",
    "neutralise_formulas",
    "to_csv_bytes",
    "to_geojson_bytes",
    "to_json_bytes",
    "write_outputs",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _file_mode() -> int:
    """Permissions a newly created file would get under the process umask (0644 usually)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def neutralise_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells cannot be run as spreadsheet formulas.

    Text cells starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return get a leading
    apostrophe. Numeric columns are left alone (``-3.5`` stays a number).
    """
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[col] = series.map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
            )
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index.dtype):
        out.index = out.index.map(
            lambda v: "'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v
        )
    return out


def to_csv_bytes(df: pd.DataFrame, *, index: bool = True) -> bytes:
    """CSV (UTF-8, comma separator, dot decimals) with formula cells neutralised.

    Lines end with CRLF (RFC 4180), so text cells holding a carriage return or a line feed are
    quoted and cannot split a row.
    """
    frame = df.drop(columns="geometry", errors="ignore")
    buf = io.StringIO()
    neutralise_formulas(pd.DataFrame(frame)).to_csv(buf, index=index, lineterminator="\r\n")
    return buf.getvalue().encode("utf-8")


def _json_default(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def to_json_bytes(obj) -> bytes:
    """Pretty JSON (UTF-8) with numpy scalars converted and NaN written as null."""
    return (
        json.dumps(_clean_nan(obj), indent=2, ensure_ascii=False, default=_json_default) + "\n"
    ).encode("utf-8")


def _clean_nan(obj):
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if isinstance(obj, Mapping):
        return {str(k): _clean_nan(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean_nan(v) for v in obj]
    return obj


def to_geojson_bytes(gdf: gpd.GeoDataFrame, *, index_name: str | None = "village_code") -> bytes:
    """RFC 7946 GeoJSON: EPSG:4326, lon/lat order, no ``crs`` member, NaN written as null.

    The index is written as a property named ``index_name`` (unless None).
    """
    if gdf.crs is None:
        raise OvopError("cannot write GeoJSON: the layer has no CRS")
    frame = gdf.to_crs(4326)
    if index_name is not None:
        frame = frame.reset_index(names=index_name)
    else:
        frame = frame.reset_index(drop=True)
    props = frame.drop(columns=frame.geometry.name)
    features = []
    for geom, (_, row) in zip(frame.geometry, props.iterrows(), strict=True):
        features.append(
            {
                "type": "Feature",
                "properties": {k: _plain(v) for k, v in row.items()},
                "geometry": None
                if geom is None or geom.is_empty
                else shapely.geometry.mapping(geom),
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return (
        json.dumps(collection, ensure_ascii=False, default=_json_default, allow_nan=False) + "\n"
    ).encode("utf-8")


def _plain(value):
    if value is None:
        return None
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and rename it."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def write_outputs(
    out_dir: str | os.PathLike,
    outputs: Mapping[str, bytes | Callable[[], bytes]],
    *,
    protected: tuple[str | os.PathLike, ...] = (),
) -> list[Path]:
    """Write a set of named outputs into ``out_dir`` all-or-nothing.

    Each value is the file's bytes or a function returning them (called while staging, so a
    failing computation also leaves nothing behind). All files are staged as hidden temporary
    files first; only when every one is written are they renamed into place.

    Parameters
    ----------
    out_dir : path
        Destination folder, created if missing.
    outputs : mapping of file name to bytes or a callable returning bytes
        File names only, no folders.
    protected : paths
        Input files that must never be overwritten: writing over one, or into a folder that
        holds one, raises :class:`OvopError` before anything is written.

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out_dir)
    protected_paths = {Path(p).resolve() for p in protected}
    inputs_here = sorted(p.name for p in protected_paths if p.parent == out.resolve())
    if inputs_here:
        raise OvopError(
            f"{out}: this folder holds input files ({', '.join(inputs_here[:5])}); choose "
            "another output folder so inputs and outputs are never mixed"
        )
    out.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for name, payload in outputs.items():
            if Path(name).name != name or name in ("", ".", ".."):
                raise OvopError(f"output name {name!r} must be a plain file name")
            target = out / name
            if target.resolve() in protected_paths:
                raise OvopError(
                    f"{target}: this is one of the inputs; choose another output folder so "
                    "inputs are never overwritten"
                )
            data = payload() if callable(payload) else payload
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out)
            staged.append((Path(tmp), target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, _file_mode())
    except BaseException:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    written = []
    try:
        for tmp, target in staged:
            os.replace(tmp, target)
            written.append(target)
    except BaseException:
        # A rename failed (disk, permissions): remove the staged files not yet renamed.
        for tmp, _ in staged[len(written) :]:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    log.info("Wrote %d files to '%s'", len(written), out)
    return written

"""Writing results: the only module that writes files.

Every output is written to a temporary file in the destination folder and renamed into place
(:func:`os.replace` is atomic on one file system), so a reader never sees half a file. A set of
outputs is staged first and only renamed once all of them were written: a failure part way leaves
the previous outputs untouched and no partial files behind.

Formats, each written by a real writer and read back in the tests by another library:

- GeoJSON (RFC 7946) through GDAL (pyogrio, ``RFC7946=YES``): EPSG:4326, longitude/latitude,
  counter-clockwise exterior rings, one geometry type per layer (MultiPolygon), integers as
  integers, booleans as booleans, ``null`` for missing and non-finite values;
- GeoPackage (GDAL): the same layers in one file, full column names;
- CSV (RFC 4180: UTF-8, comma, dot decimals, CRLF) with a ``.csvt`` sidecar naming each column's
  type for QGIS/GDAL; or the Indonesian spreadsheet dialect (``;`` and a decimal comma) that
  spreadsheets in the id-ID locale read without changing a number;
- an ``.xlsx`` workbook (openpyxl) with typed cells, one sheet per table and a sheet of columns
  with their units and labels in both languages.

Text cells that begin with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return) are prefixed
with an apostrophe in CSV and xlsx so a spreadsheet does not run them as formulas.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import logging
import math
import os
import re
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from .errors import OvopError
from .messages import msg
from .validate import require_crs

__all__ = [
    "CSV_DIALECTS",
    "atomic_write_bytes",
    "csvt_bytes",
    "export_frame",
    "neutralise_formulas",
    "to_csv_bytes",
    "to_geojson_bytes",
    "to_gpkg_bytes",
    "to_json_bytes",
    "to_xlsx_bytes",
    "write_outputs",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: CSV dialects: name -> (separator, decimal mark). "rfc4180" for GIS and scripts; "id" for
#: spreadsheets in the Indonesian locale, where "." groups thousands and "," marks decimals.
CSV_DIALECTS: Mapping[str, tuple[str, str]] = {"rfc4180": (",", "."), "id": (";", ",")}
#: Columns holding whole numbers (ranks, counts, years): written as integers where every value
#: is whole, missing values staying empty (pandas' nullable Int64).
_INTEGER_NAMES = ("rank", "businesses", "households", "firms", "villages_n", "n_villages")
_INTEGER_PREFIXES = ("rank_", "businesses_", "year_", "n_", "firms_")
_INTEGER_SUFFIXES = ("_year", "_count", "_rank", "_firms", "_businesses")


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


def _is_integer_name(column: str) -> bool:
    return (
        column in _INTEGER_NAMES
        or column.startswith(_INTEGER_PREFIXES)
        or column.endswith(_INTEGER_SUFFIXES)
    )


def export_frame(df: pd.DataFrame, *, index: bool = True) -> pd.DataFrame:
    """The table as written: index as a column, typed columns, no non-finite numbers.

    - ``±inf`` becomes missing (as in the GeoJSON, where it is ``null``);
    - float columns named as counts, ranks or years (``rank``, ``businesses_<product>``,
      ``households``, ``year_…``) whose values are all whole become nullable integers;
    - object columns holding only booleans (and missing values) become nullable booleans;
    - lists and tuples become text joined by ``;``.
    The input is not modified.
    """
    frame = pd.DataFrame(df.drop(columns="geometry", errors="ignore"))
    if index:
        frame = frame.reset_index()
    out = {}
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_float_dtype(values):
            values = values.where(np.isfinite(values.to_numpy(dtype=float)))
            finite = values.dropna()
            if _is_integer_name(str(col)) and (finite == np.round(finite)).all():
                values = values.round().astype("Int64")
        elif values.dtype == object:
            present = values.dropna()
            if len(present) and present.map(lambda v: isinstance(v, bool | np.bool_)).all():
                values = values.astype("boolean")
            elif present.map(lambda v: isinstance(v, list | tuple)).any():
                values = values.map(
                    lambda v: ";".join(map(str, v)) if isinstance(v, list | tuple) else v
                )
        out[col] = values
    return pd.DataFrame(out, index=frame.index)


def to_csv_bytes(df: pd.DataFrame, *, index: bool = True, dialect: str = "rfc4180") -> bytes:
    """CSV with formula cells neutralised, in one of :data:`CSV_DIALECTS`.

    ``"rfc4180"``: UTF-8, comma separator, dot decimals, lines ending with CRLF (text cells
    holding a carriage return or a line feed are quoted and cannot split a row). ``"id"``: the
    same with ``;`` and a decimal comma, for spreadsheets in the Indonesian locale. Booleans are
    written ``true``/``false``; non-finite numbers are empty.
    """
    if dialect not in CSV_DIALECTS:
        raise OvopError(f"unknown CSV dialect {dialect!r}: use one of {', '.join(CSV_DIALECTS)}")
    sep, decimal = CSV_DIALECTS[dialect]
    frame = export_frame(df, index=index)
    for col in frame.columns:
        if pd.api.types.is_bool_dtype(frame[col]):
            frame[col] = frame[col].map({True: "true", False: "false"}).astype(object)
    buf = io.StringIO()
    neutralise_formulas(frame).to_csv(
        buf, index=False, sep=sep, decimal=decimal, lineterminator="\r\n"
    )
    return buf.getvalue().encode("utf-8")


def _csvt_type(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "Integer(Boolean)"
    if pd.api.types.is_integer_dtype(values):
        return "Integer64"
    if pd.api.types.is_float_dtype(values):
        return "Real"
    return "String"


def csvt_bytes(df: pd.DataFrame, *, index: bool = True) -> bytes:
    """The ``.csvt`` sidecar of :func:`to_csv_bytes` (``"rfc4180"``): one type per column.

    QGIS and GDAL's CSV driver read it to type the columns (``String`` for village codes,
    ``Integer64``, ``Real``, ``Integer(Boolean)``) instead of reading every column as text.
    """
    frame = export_frame(df, index=index)
    return (",".join(f'"{_csvt_type(frame[c])}"' for c in frame.columns) + "\r\n").encode()


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


def _vector_frame(gdf: gpd.GeoDataFrame, index_name: str | None, what: str) -> gpd.GeoDataFrame:
    require_crs(gdf.crs, what)
    frame = export_frame(gdf, index=index_name is not None)
    if index_name is not None:
        frame = frame.rename(columns={frame.columns[0]: index_name})
    geometry = gdf.geometry.to_crs(4326).to_numpy()
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)


def to_geojson_bytes(gdf: gpd.GeoDataFrame, *, index_name: str | None = "village_code") -> bytes:
    """RFC 7946 GeoJSON written by GDAL: EPSG:4326, counter-clockwise rings, MultiPolygon.

    The index is written as a property named ``index_name`` (unless None). Missing and
    non-finite numbers are ``null``; counts, ranks and years are integers (:func:`export_frame`).
    """
    frame = _vector_frame(gdf, index_name, "GeoJSON")
    buf = io.BytesIO()
    pyogrio.write_dataframe(
        frame,
        buf,
        driver="GeoJSON",
        promote_to_multi=True,
        layer_options={"RFC7946": "YES", "WRITE_NAME": "NO"},
    )
    return buf.getvalue()


def to_gpkg_bytes(layers: Mapping[str, tuple[gpd.GeoDataFrame, str | None]]) -> bytes:
    """A GeoPackage holding each ``name -> (frame, index_name)`` as a layer (EPSG:4326)."""
    with tempfile.TemporaryDirectory(prefix="ovop-gpkg-") as tmp:
        path = Path(tmp) / "out.gpkg"
        for name, (gdf, index_name) in layers.items():
            frame = _vector_frame(gdf, index_name, "GeoPackage")
            pyogrio.write_dataframe(
                frame, path, layer=name, driver="GPKG", append=path.exists(), promote_to_multi=True
            )
        return path.read_bytes()


def to_xlsx_bytes(
    sheets: Mapping[str, tuple[pd.DataFrame, bool]], *, columns: pd.DataFrame | None = None
) -> bytes:
    """An xlsx workbook: one sheet per ``name -> (frame, write_index)``, typed cells.

    Numbers stay numbers and codes stay text whatever the reader's locale; formula-like text is
    neutralised. ``columns`` (column, unit, label_id, label_en, …) becomes a last sheet
    ``columns`` describing every column.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    book.remove(book.active)
    tables = dict(sheets)
    frames = {
        name: (neutralise_formulas(export_frame(df, index=idx)), True)
        for name, (df, idx) in tables.items()
    }
    if columns is not None:
        frames["columns"] = (neutralise_formulas(pd.DataFrame(columns)), True)
    for name, (frame, _) in frames.items():
        sheet = book.create_sheet(name[:31])
        sheet.append([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False):
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "B2"
        for i, col in enumerate(frame.columns, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(max(len(str(col)), 10), 40)
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if cell.data_type == "f":  # text that looks like a formula stays text
                    cell.data_type = "s"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _cell(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


# --------------------------------------------------------------------------- output folders
#: Staged files are named ``.<name>.ovop-<pid>-<random>.tmp``: the writer's process id tells a
#: later run whether the writer is still alive (a concurrent run) or was killed (stale leftovers).
_TMP = re.compile(r"^\..+\.ovop-(\d+)-[^.]*\.tmp$")


def _tmp_prefix(name: str) -> str:
    return f".{name}.ovop-{os.getpid()}-"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists (another user's), or cannot tell: keep its files
    return True


def clean_stale_temporaries(out_dir: str | os.PathLike) -> list[str]:
    """Remove hidden staged files left in ``out_dir`` by killed runs (SIGKILL, a power cut).

    Files of a writer that is still running (a concurrent run) are kept.

    Returns
    -------
    list of str
        The names removed.
    """
    removed = []
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return removed
    for entry in entries:
        m = _TMP.match(entry.name)
        if m and entry.is_file(follow_symlinks=False) and not _pid_alive(int(m.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(entry.name)
    if removed:
        log.info("Removed %d stale temporary files from '%s'", len(removed), out_dir)
    return removed


def _output_error(out: Path, err: OSError) -> OvopError:
    """An OS error while preparing or writing the output folder, as a message to act on."""
    code = err.errno
    reason = err.strerror or type(err).__name__
    key = "output.cannot_write"
    if code in (errno.ENOSPC, errno.EDQUOT):
        key = "output.full"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        key = "output.read_only"
    elif code in (errno.ENOTDIR, errno.EEXIST):
        key = "output.not_folder"
    return OvopError(msg(key, folder=str(out), reason=reason))


#: Free space an output folder needs before a run starts (bytes): the Rasau Jaya outputs take
#: about 0.6 MB and a province's some tens of MB; a run into less than this fails before the
#: analysis instead of after it (writes are all-or-nothing in any case).
MIN_FREE_BYTES = 8 * 1024 * 1024


def check_output_dir(out_dir: str | os.PathLike, *, min_free_bytes: int = MIN_FREE_BYTES) -> Path:
    """Make sure ``out_dir`` can receive outputs before any analysis starts.

    Creates the folder (and its parents) when missing, refuses a path that is a file or lies
    under a file, a folder that cannot be written (read-only, no permission) and a full disk
    (a probe file is written, synced and removed), each with a message saying what to do. Stale
    temporary files of killed runs are removed.

    Raises
    ------
    OvopError
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OvopError(msg("output.not_folder", folder=str(out), reason="a file"))
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=_tmp_prefix("probe"), suffix=".tmp", dir=out)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(b"\0" * 4096)
                fh.flush()
                os.fsync(fh.fileno())
        finally:
            with contextlib.suppress(OSError):
                os.unlink(probe)
        free = shutil.disk_usage(out).free
    except OSError as err:
        raise _output_error(out, err) from err
    if free < min_free_bytes:
        reason = f"{free / 1e6:.1f} MB free, {min_free_bytes / 1e6:.0f} MB needed"
        raise OvopError(msg("output.full", folder=str(out), reason=reason))
    clean_stale_temporaries(out)
    return out


@contextlib.contextmanager
def _folder_lock(out: Path):
    """Hold an exclusive lock on the folder while a set of outputs is staged and renamed.

    Two runs into one folder so leave one run's complete set, never a mix (POSIX ``flock`` on
    the folder itself: no lock file is left behind).
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextlib.contextmanager
def _signals_held():
    """Hold SIGINT and SIGTERM while staged files are renamed into place (a few milliseconds).

    Ctrl-C so cannot leave half of the new set beside half of the old one; the held signals are
    delivered right after.
    """
    if (
        not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and rename it."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(path.name), suffix=".tmp", dir=path.parent)
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
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise _output_error(out, err) from err
    with _folder_lock(out):
        clean_stale_temporaries(out)
        try:
            written = _stage_and_rename(out, outputs, protected_paths)
        except OSError as err:
            raise _output_error(out, err) from err
    log.info("Wrote %d files to '%s'", len(written), out)
    return written


def _stage_and_rename(out: Path, outputs, protected_paths) -> list[Path]:
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
            fd, tmp = tempfile.mkstemp(prefix=_tmp_prefix(name), suffix=".tmp", dir=out)
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
    with _signals_held():
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
    return written

"""Reading input files: the only module that opens them.

Vector layers (GeoJSON, GeoPackage, Shapefile, zipped Shapefile, GeoParquet), CSV tables written
by spreadsheets (separator and decimal-comma detection) and raster metadata. Every failure a user
can fix is raised as :class:`~ovop_geo.errors.InputDataError` naming the file.
"""

from __future__ import annotations

import csv
import io as _io
import logging
import re
import stat
import warnings
import zipfile
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow
import pyogrio
import pyproj
import shapely.errors

from ovop_geo.errors import InputDataError, format_items, raise_problems
from ovop_geo.messages import msg

__all__ = [
    "DEFAULT_MAX_ZIP_BYTES",
    "VECTOR_SUFFIXES",
    "check_input_file",
    "check_zip",
    "describe_content",
    "file_rows",
    "read_table",
    "read_vector",
]

logger = logging.getLogger(__name__)

VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".parquet", ".geoparquet")
#: Upper bound of the uncompressed size of a zipped Shapefile (bytes).
DEFAULT_MAX_ZIP_BYTES = 500 * 1024 * 1024
#: Upper bound of the entries of a zip archive (a Shapefile needs fewer than 10).
DEFAULT_MAX_ZIP_ENTRIES = 100
#: Largest ratio uncompressed / packed size of a zip entry or archive (zip bombs reach 1,000).
DEFAULT_MAX_ZIP_RATIO = 100.0
#: Entries (and archives) smaller than this uncompressed are not held to the ratio (bytes).
DEFAULT_ZIP_RATIO_MIN_BYTES = 1024 * 1024
_ZIP_EXTENSIONS = frozenset(
    {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".qmd", ".txt"}
)
_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf")


def _name(path: str | Path, display_name: str | None) -> str:
    return display_name or Path(path).name


def check_input_file(path: Path, shown: str) -> None:
    """Refuse a missing, unreadable or empty input file, naming it as the user knows it."""
    try:
        if not path.exists():
            raise InputDataError(msg("file.not_found", name=shown), path=shown)
        if not path.is_file():
            raise InputDataError(msg("file.not_a_file", name=shown), path=shown)
        if path.stat().st_size == 0:
            raise InputDataError(msg("file.empty", name=shown), path=shown)
        with path.open("rb"):
            pass
    except OSError as err:
        raise InputDataError(
            msg("file.unreadable", name=shown, reason=err.strerror or type(err).__name__),
            path=shown,
        ) from err


_check_file = check_input_file

_SIGNATURES = (
    (b"\x89PNG", "file.looks_png"),
    (b"\xff\xd8\xff", "file.looks_jpeg"),
    (b"%PDF", "file.looks_pdf"),
    (b"PK\x03\x04", "file.looks_zip"),
    (b"\xff\xfe", "file.looks_utf16"),
    (b"\xfe\xff", "file.looks_utf16"),
)


def describe_content(path: Path) -> str | None:
    """What a file looks like from its first bytes, for a message: never its content.

    Recognised: an HTML page, UTF-16 text, XML, KML, a picture, a zip. None when nothing is
    recognised.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(2048)
    except OSError:
        return None
    if not head:
        return msg("file.looks_empty")
    for magic, key in _SIGNATURES:
        if head.startswith(magic):
            return msg(key)
    text = head.lstrip(b"\xef\xbb\xbf").lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:512]:
        return msg("file.looks_html")
    if b"<kml" in text:
        return msg("file.looks_kml")
    if text.startswith(b"<"):  # <?xml or another element
        return msg("file.looks_xml")
    return None


def unreadable_reason(path: Path, err: BaseException, shown: str) -> str:
    """Why a library could not read ``path``.

    What the file looks like, else the library's first line with every machine path replaced by
    the name the user knows.
    """
    looks = describe_content(path)
    if looks is not None:
        return looks
    text = _short(err)
    for p in {str(path), str(path.resolve()) if path.exists() else str(path), path.name}:
        if p and p != shown:
            text = text.replace(p, shown)
    text = re.sub(r"(/vsi\w+/)?(/[^\s:'\"]+)+", shown, text)  # any other absolute path
    return text


# --- zip archives ---------------------------------------------------------------------------


def check_zip(
    path: str | Path,
    *,
    max_uncompressed_bytes: int = DEFAULT_MAX_ZIP_BYTES,
    allowed_extensions: frozenset[str] = _ZIP_EXTENSIONS,
    display_name: str | None = None,
    max_entries: int = DEFAULT_MAX_ZIP_ENTRIES,
    max_ratio: float = DEFAULT_MAX_ZIP_RATIO,
    ratio_min_bytes: int = DEFAULT_ZIP_RATIO_MIN_BYTES,
) -> tuple[str, ...]:
    """Check a zip archive before anything reads from it.

    Refuses entries with absolute paths or ``..`` components, symbolic links, encrypted entries,
    extensions other than ``allowed_extensions``, a total uncompressed size above the limit, more
    than ``max_entries`` entries, and entries or archives expanding more than ``max_ratio``
    times their packed size (zip bombs). The same limits guard uploads and manifests.
    Nothing is extracted.

    Parameters
    ----------
    path : str or Path
        The archive.
    max_uncompressed_bytes : int
        Upper bound of the sum of the entries' uncompressed sizes, in bytes.
    allowed_extensions : frozenset of str
        Lower-case file extensions (with the dot) allowed inside the archive.
    display_name : str, optional
        Name of the file as the user knows it, for messages.

    Returns
    -------
    tuple of str
        The names of the file entries (directories left out), in archive order.
    """
    path = Path(path)
    shown = _name(path, display_name)
    _check_file(path, shown)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise InputDataError(
            f"{shown}: not a readable zip archive ({err}). Give a .zip made by a zip tool.",
            path=shown,
        ) from err
    problems: list[str] = []
    bad_paths, links, bad_ext, encrypted = [], [], [], []
    total = 0
    names: list[str] = []
    for info in infos:
        name = info.filename
        posix = PurePosixPath(name.replace("\\", "/"))
        if posix.is_absolute() or ".." in posix.parts or re.match(r"^[A-Za-z]:", name):
            bad_paths.append(name)
            continue
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            links.append(name)
            continue
        if info.flag_bits & 0x1:
            encrypted.append(name)
        if info.is_dir():
            continue
        if posix.suffix.lower() not in allowed_extensions:
            bad_ext.append(name)
        total += info.file_size
        names.append(name)
    if bad_paths:
        problems.append(
            f"entries with absolute paths or '..' are refused: {format_items(bad_paths)}. "
            "Zip the files themselves, without folders outside the archive."
        )
    if links:
        problems.append(f"symbolic links are refused: {format_items(links)}.")
    if encrypted:
        problems.append(f"encrypted entries are refused: {format_items(encrypted)}.")
    if bad_ext:
        allowed = ", ".join(sorted(allowed_extensions))
        problems.append(
            f"unexpected file types: {format_items(bad_ext)}. Only {allowed} are accepted."
        )
    if total > max_uncompressed_bytes:
        problems.append(
            f"uncompressed size {total:,} bytes exceeds the limit of "
            f"{max_uncompressed_bytes:,} bytes."
        )
    if len(infos) > max_entries:
        problems.append(
            f"the archive holds {len(infos):,} entries, more than the limit of "
            f"{max_entries:,}. A Shapefile needs fewer than 10 files."
        )
    junk = ("__MACOSX",)
    kept = [
        i
        for i in infos
        if not (
            PurePosixPath(i.filename.replace("\\", "/")).parts[:1] == junk
            or PurePosixPath(i.filename).name.startswith("._")
        )
    ]
    problems.extend(zip_ratio_problems(kept, max_ratio, ratio_min_bytes))
    if not names and not problems:
        problems.append("the archive holds no files.")
    raise_problems(shown, problems)
    return tuple(names)


def _human(n: float) -> str:
    """Bytes as text: ``52,428,800 bytes (50.0 MB)`` (MB = MiB here, as file managers show)."""
    return f"{int(n):,} bytes ({n / (1024 * 1024):,.1f} MB)"


def zip_ratio_problems(infos, ratio: float, floor: int) -> list[str]:
    """Entries (and the archive) that expand far beyond their packed size."""
    bombs = [
        i.filename
        for i in infos
        if i.file_size > floor and i.file_size > ratio * max(i.compress_size, 1)
    ]
    problems = []
    if bombs:
        problems.append(
            f"entries that expand more than {ratio:,.0f} times their packed size: "
            f"{format_items(bombs)}. Such archives are refused as possible zip bombs."
        )
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if not bombs and total > floor and total > ratio * max(packed, 1):
        problems.append(
            f"the archive expands to {_human(total)}, more than {ratio:,.0f} times its packed "
            "size. Such archives are refused as possible zip bombs."
        )
    return problems


# --- vector layers --------------------------------------------------------------------------


def read_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    display_name: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a vector layer into a GeoDataFrame in its own CRS.

    Parameters
    ----------
    path : str or Path
        GeoJSON (``.geojson``/``.json``), GeoPackage (``.gpkg``), Shapefile (``.shp``), zipped
        Shapefile (``.zip``, checked with :func:`check_zip` first) or GeoParquet (``.parquet``).
    layer : str, optional
        Layer name in a GeoPackage, or the ``.shp`` entry of a zip holding several.
    display_name : str, optional
        Name of the file as the user knows it (for uploads), used in messages.

    Returns
    -------
    geopandas.GeoDataFrame
        The features, CRS as stored in the file (may be None; callers that need a CRS check it;
        GeoJSON without a ``crs`` member is EPSG:4326 per RFC 7946).

    Raises
    ------
    InputDataError
        Missing, empty or unreadable file, wrong content behind the extension, unsupported
        extension, several layers and none chosen, no features.
    """
    path = Path(path)
    shown = _name(path, display_name)
    _check_file(path, shown)
    suffix = path.suffix.lower()
    if suffix not in VECTOR_SUFFIXES:
        raise InputDataError(
            f"{shown}: unsupported file type '{suffix}'. Give one of: "
            f"{', '.join(VECTOR_SUFFIXES)}.",
            path=shown,
        )
    if suffix in (".geojson", ".json"):
        _check_json_content(path, shown, suffix)
    try:
        if suffix in (".parquet", ".geoparquet"):
            gdf = gpd.read_parquet(path)
        else:
            source = str(path)
            if suffix == ".zip":
                source = _zip_source(path, shown, layer)
                layer = None
            elif layer is None:
                _check_single_layer(source, shown)
            gdf = gpd.read_file(source, layer=layer, engine="pyogrio")
    except InputDataError:
        raise
    except (
        pyogrio.errors.DataSourceError,
        pyogrio.errors.DataLayerError,
        pyogrio.errors.FieldError,
        pyogrio.errors.GeometryError,
        pyogrio.errors.CRSError,
        shapely.errors.ShapelyError,  # e.g. an unclosed ring in a GeoJSON polygon
        pyproj.exceptions.CRSError,  # a damaged CRS in GeoParquet metadata
        pyarrow.ArrowException,
        KeyError,  # GeoParquet metadata naming a column that is not there
        OSError,
        ValueError,
        TypeError,
        UnicodeDecodeError,
    ) as err:
        raise InputDataError(
            msg(
                "vector.unreadable",
                name=shown,
                suffix=suffix,
                what=unreadable_reason(path, err, shown),
            ),
            path=shown,
        ) from err
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        raise InputDataError(f"{shown}: the layer has no geometry column.", path=shown)
    if len(gdf) == 0:
        raise InputDataError(f"{shown}: the layer has no features.", path=shown)
    logger.info("Read %s features from '%s'", f"{len(gdf):,}", shown)
    return gdf


def _check_json_content(path: Path, shown: str, suffix: str) -> None:
    """Check that a ``.geojson`` holds JSON.

    GDAL would read a renamed KML or GML by its content and report its columns as if they were
    the user's, so say what the file is instead.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return  # reported by the reader
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text[:1] in (b"{", b"["):
        return
    what = describe_content(path) or msg("file.looks_not_json")
    raise InputDataError(msg("vector.unreadable", name=shown, suffix=suffix, what=what), path=shown)


def _short(err: BaseException, limit: int = 200) -> str:
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_single_layer(source: str, shown: str) -> None:
    layers = pyogrio.list_layers(source)
    if len(layers) > 1:
        names = [str(row[0]) for row in layers]
        raise InputDataError(
            f"{shown}: the file holds {len(names)} layers ({format_items(names)}). "
            "Say which one to use (the 'layer' key in the manifest).",
            path=shown,
        )


def _zip_source(path: Path, shown: str, layer: str | None) -> str:
    names = check_zip(path, display_name=shown)
    shps = [n for n in names if n.lower().endswith(".shp")]
    if layer is not None:
        shps = [n for n in shps if n == layer or PurePosixPath(n).stem == layer]
    if not shps:
        raise InputDataError(
            f"{shown}: no Shapefile (.shp) found in the archive"
            + (f" matching layer '{layer}'" if layer else "")
            + ". Zip the .shp, .shx, .dbf and .prj files together.",
            path=shown,
        )
    if len(shps) > 1:
        raise InputDataError(
            f"{shown}: the archive holds {len(shps)} Shapefiles ({format_items(shps)}). "
            "Keep one per archive or say which layer to use.",
            path=shown,
        )
    stem = shps[0][:-4]
    lower = {n.lower() for n in names}
    missing = [ext for ext in _SHAPEFILE_PARTS if (stem + ext).lower() not in lower]
    if missing:
        raise InputDataError(
            f"{shown}: the Shapefile '{shps[0]}' lacks its {', '.join(missing)} part(s). "
            "Zip all parts of the Shapefile together.",
            path=shown,
        )
    return f"/vsizip/{path}/{shps[0]}"


# --- CSV tables -----------------------------------------------------------------------------

_SEPARATORS = (",", ";", "\t")
_SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_INT = re.compile(r"^\d+$")
_DOT_DEC = re.compile(r"^\d*\.\d+$")  # 12.5, .5
_DOT_3 = re.compile(r"^\d{1,3}\.\d{3}$")  # 1.234: thousands dot or decimal dot
_COMMA_DEC = re.compile(r"^\d*,\d+$")  # 12,5
_COMMA_3 = re.compile(r"^\d{1,3},\d{3}$")  # 1,234: thousands comma or decimal comma
_DOT_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")  # 1.234.567 or 1.234,5
_COMMA_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")  # 1,234,567 or 1,234.5


def read_table(
    path: str | Path,
    *,
    numeric_columns: tuple[str, ...] | list[str] = (),
    required_columns: tuple[str, ...] | list[str] = (),
    optional_numeric_columns: tuple[str, ...] | list[str] = (),
    decimal: str | None = None,
    display_name: str | None = None,
    problems: list | None = None,
    skip_unfilled: tuple[str, ...] | list[str] = (),
    aliases: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Read a CSV table as written by a spreadsheet.

    The separator (comma, semicolon or tab) is detected from the header line. Every cell is read
    as text, stripped of surrounding spaces; only empty cells count as missing (``"NA"``,
    ``"n/a"`` and ``"-"`` stay text). Number columns are then parsed with the decimal convention
    of the file: with semicolons, ``"1.234,5"`` is 1234.5 and ``"1.234"`` is 1234; with commas,
    ``"1,234"`` (quoted) is 1234 and ``"1.5"`` is 1.5. A column whose values fit both
    conventions, in a file that gives no other clue, is refused with a request to say which.

    Parameters
    ----------
    path : str or Path
        The CSV file (UTF-8, with or without BOM; Windows-1252 accepted as a fallback).
    numeric_columns : sequence of str
        Columns to parse as numbers; every cell must hold one. Integer-only columns come back as
        ``int64``, others as ``float64``.
    required_columns : sequence of str
        Columns that must exist (numeric columns are required too).
    optional_numeric_columns : sequence of str
        Columns parsed like ``numeric_columns`` when they exist.
    decimal : {",", "."}, optional
        The decimal mark, when the user knows it; otherwise it is detected.
    display_name : str, optional
        Name of the file as the user knows it, for messages.
    aliases : dict, optional
        Other accepted names of columns (lower case) -> the documented name, for example
        Indonesian headers (``kode_desa`` -> ``village_code``); applied when the documented name
        is absent.
    problems : list, optional
        Where to add the problems of the cells (empty, not numbers, ambiguous) instead of
        raising, so that the caller reports them with its own checks in one message; such cells
        are NaN in the returned table. Problems of the file as a whole are raised in any case.
    skip_unfilled : sequence of str
        Rows whose cells in all of these columns are empty are left out (a template's rows not
        filled in); the others keep their file position as index (:func:`file_rows`), so
        messages still name the rows of the file.

    Returns
    -------
    pandas.DataFrame
        Text columns as strings (missing cells NaN), numeric columns as numbers; the index is
        each row's position in the file (0 for the first data row).

    Raises
    ------
    InputDataError
        Unreadable or empty file, missing or duplicate columns, text or empty cells in number
        columns (named with their file row numbers: the header is row 1), ambiguous numbers.
    """
    path = Path(path)
    shown = _name(path, display_name)
    if decimal not in (None, ",", "."):
        raise InputDataError(f"{shown}: decimal must be ',' or '.', not {decimal!r}.", path=shown)
    _check_file(path, shown)
    text = _read_text(path, shown)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise InputDataError(
            f"{shown}: the file is empty. Give a table with a header row.", path=shown
        )
    sep = _detect_separator(lines[0])
    header = next(csv.reader([lines[0]], delimiter=sep))
    header = [h.strip() for h in header]
    header_problems: list[str] = []
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        header_problems.append(f"duplicate column names: {format_items(dupes)}. Rename them.")
    if any(not h for h in header):
        header_problems.append("a column has an empty name in the header row. Name every column.")
    raise_problems(shown, header_problems)
    try:
        with warnings.catch_warnings():
            # A first row longer than the header would otherwise become a silent index.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(
                _io.StringIO(text),
                sep=sep,
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                skip_blank_lines=True,
                skipinitialspace=False,
                index_col=False,
            )
    except (
        pd.errors.ParserError,
        pd.errors.ParserWarning,
        pd.errors.EmptyDataError,
        ValueError,
    ) as err:
        raise InputDataError(
            f"{shown}: cannot read as a {_SEP_NAMES[sep]}-separated table ({_short(err)}). "
            "Check that every row has as many cells as the header.",
            path=shown,
        ) from err
    df.columns = [str(c).strip() for c in df.columns]
    if aliases:
        present = set(df.columns)
        renames = {
            c: aliases[c.lower()]
            for c in df.columns
            if c.lower() in aliases and aliases[c.lower()] not in present
        }
        if len(set(renames.values())) == len(renames):
            df = df.rename(columns=renames)
            if renames:
                logger.info("'%s': columns read as %s", shown, renames)
    for col in df.columns:
        df[col] = df[col].str.strip().replace("", np.nan)

    wanted = list(dict.fromkeys([*required_columns, *numeric_columns]))
    missing = [c for c in wanted if c not in df.columns]
    if missing:
        raise InputDataError(
            msg(
                "table.missing_columns",
                name=shown,
                missing=", ".join(missing),
                found=_columns_found(df.columns, sep),
            ),
            path=shown,
        )
    unfilled = [c for c in skip_unfilled if c in df.columns]
    if unfilled:
        df = df[df[unfilled].notna().any(axis=1).to_numpy()]
    optional = [c for c in optional_numeric_columns if c in df.columns]
    to_parse = list(dict.fromkeys([*numeric_columns, *optional]))
    if to_parse:
        df = _parse_numeric(df, to_parse, sep, decimal, shown, problems)
    logger.info("Read %s rows from '%s' (%s-separated)", f"{len(df):,}", shown, _SEP_NAMES[sep])
    return df


_MAX_COLUMNS_SHOWN = 12
_MAX_COLUMN_NAME = 40


def _columns_found(columns, sep: str) -> str:
    """The header's column names for a message, never more of the file.

    At most 12 names of at most 40 characters; a header with one cell is not echoed (it may be
    any text line).
    """
    names = [str(c) for c in columns]
    if len(names) <= 1:
        return msg("table.one_column")
    shown = [n if len(n) <= _MAX_COLUMN_NAME else n[: _MAX_COLUMN_NAME - 1] + "…" for n in names]
    return format_items(shown, limit=_MAX_COLUMNS_SHOWN)


def _read_text(path: Path, shown: str) -> str:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputDataError(
            f"{shown}: this is not a text (CSV) file. Save the sheet as CSV and try again.",
            path=shown,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as err:
            raise InputDataError(
                f"{shown}: the text encoding is neither UTF-8 nor Windows-1252. "
                "Save the file as CSV UTF-8.",
                path=shown,
            ) from err
        logger.info("'%s' is not UTF-8; read as Windows-1252", shown)
        return text


def _detect_separator(header_line: str) -> str:
    counts = {sep: len(next(csv.reader([header_line], delimiter=sep))) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda s: counts[s])  # ties keep the order: comma first
    return best if counts[best] > 1 else ","


def _classify(value: str) -> str:
    """Return the convention evidence a number text gives: 'int', 'dot', 'comma', 'amb', 'bad'.

    'dot' means the value can only be read with a decimal point (thousands commas), 'comma' only
    with a decimal comma (thousands dots), 'amb' either way (1.234 or 1,234).
    """
    v = value.lstrip("+-")
    if _INT.match(v):
        return "int"
    if _DOT_3.match(v) or _COMMA_3.match(v):
        return "amb"
    if _DOT_DEC.match(v) or _COMMA_THOUSANDS.match(v):
        return "dot"
    if _COMMA_DEC.match(v) or _DOT_THOUSANDS.match(v):
        return "comma"
    return "bad"


def _convert(value: str, decimal: str) -> float:
    sign = -1.0 if value.startswith("-") else 1.0
    v = value.lstrip("+-")
    v = v.replace(".", "").replace(",", ".") if decimal == "," else v.replace(",", "")
    return sign * float(v)


def _rows(mask: pd.Series) -> str:
    """File row numbers of the True cells (the header is row 1, the first data row 2)."""
    return format_items(file_rows(mask))


def file_rows(mask: pd.Series | np.ndarray, index: pd.Index | None = None) -> list[int]:
    """File row numbers (header = row 1) of the True cells of a mask over a table's rows.

    A table from :func:`read_table` keeps, as its index, each row's position in the file
    counted from the first data row (0), also when rows were skipped (``skip_unfilled``); give
    ``index`` when ``mask`` is a plain array.
    """
    if index is None:
        index = mask.index if isinstance(mask, pd.Series) else None
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    if index is None or not pd.api.types.is_integer_dtype(index):
        return (positions + 2).tolist()
    return (np.asarray(index)[positions] + 2).tolist()


def _choose_decimal(
    col: str, kinds: pd.Series, values: pd.Series, sep: str, file_evidence: set[str]
) -> tuple[str | None, str | None]:
    """Return (decimal mark, None) or (None, problem) for one column without a given mark."""
    own = set(kinds) & {"dot", "comma"}
    if own == {"dot", "comma"}:
        return None, (
            f"column '{col}': numbers mix decimal points and decimal commas (rows "
            f"{_rows(kinds == 'dot')} against rows {_rows(kinds == 'comma')}). "
            "Use one convention."
        )
    if own:
        return ("." if own == {"dot"} else ","), None
    if not (kinds == "amb").any():
        return ".", None  # whole numbers only: the convention does not matter
    if len(file_evidence) == 1:
        return ("." if file_evidence == {"dot"} else ","), None
    if not file_evidence and sep in (";", ","):
        return ("," if sep == ";" else "."), None
    amb = ", ".join(repr(a) for a in values[kinds == "amb"].head(2))
    return None, (
        f"column '{col}': values like {amb} can be read with a thousands separator or a "
        'decimal mark. Say which convention the file uses (decimal = "," or decimal = "." '
        "in the table's manifest section; in the app, the decimal choice beside the upload), or "
        "write the numbers without thousands separators."
    )


def _parse_numeric(
    df: pd.DataFrame,
    columns: list[str],
    sep: str,
    decimal: str | None,
    shown: str,
    collect: list | None = None,
) -> pd.DataFrame:
    df = df.copy()
    problems: list[str] = []
    kinds = {
        c: df[c].map(lambda v: _classify(v) if isinstance(v, str) else "missing") for c in columns
    }
    file_evidence: set[str] = set()
    for k in kinds.values():
        file_evidence |= set(k) & {"dot", "comma"}
    for col in columns:
        k = kinds[col]
        missing, bad = k == "missing", k == "bad"
        if missing.any():
            problems.append(
                msg("table.empty_cells", column=col, n=int(missing.sum()), rows=_rows(missing))
            )
        if bad.any():
            examples = format_items([repr(v[:20]) for v in df.loc[bad, col].head(3)], limit=3)
            problems.append(
                msg(
                    "table.not_numbers",
                    column=col,
                    n=int(bad.sum()),
                    examples=examples,
                    rows=_rows(bad),
                )
            )
        unusable = missing | bad
        if unusable.any() and collect is None:
            continue
        good = ~unusable
        if decimal is not None:
            wrong = "comma" if decimal == "." else "dot"
            if (k == wrong).any():
                problems.append(
                    f"column '{col}': values do not fit the decimal mark '{decimal}'. "
                    f"Rows: {_rows(k == wrong)}."
                )
                df[col] = np.nan
                continue
            mark = decimal
        else:
            mark, problem = _choose_decimal(col, k[good], df.loc[good, col], sep, file_evidence)
            if problem:
                problems.append(problem)
                df[col] = np.nan
                continue
        values = pd.Series(np.nan, index=df.index, dtype=float)
        values[good] = df.loc[good, col].map(lambda v, m=mark: _convert(v, m)).astype(float)
        integral = not unusable.any() and not df[col].str.contains(mark, regex=False).any()
        df[col] = values.astype("int64") if integral else values.astype("float64")
    if collect is not None:
        collect.extend(problems)
        return df
    raise_problems(shown, problems)
    return df

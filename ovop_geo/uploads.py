"""Safe handling of files that users upload: size limits, file-type checks, zip checks.

Every upload is written into a temporary folder owned by one :class:`UploadSession` (one per
user session of the app, never shared) and removed when the session is closed. Before a byte is
written the upload is checked:

- its size (per file and in total for the session, :class:`UploadLimits`);
- its name: only the base name is kept, reduced to ``[A-Za-z0-9._-]`` without leading dots, and
  its extension must be one of those allowed for the kind of upload;
- its content: the first bytes must match the extension (a PNG renamed ``.tif`` or a web page
  saved as ``.geojson`` is refused with a message saying what the file looks like);
- for a zipped Shapefile: entry count, paths (no absolute paths, ``..``, drive letters), no
  symbolic links, only Shapefile parts, exactly one ``.shp`` with its ``.shx`` and ``.dbf``, and
  uncompressed sizes (total and ratio to the packed size, against zip bombs).

:func:`safe_extract_zip` repeats the zip checks and only then extracts, writing only inside the
destination folder. Nothing here imports streamlit; no geometry is read, so no CRS applies.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import weakref
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ovop_geo.errors import InputDataError, format_items
from ovop_geo.io import (
    DEFAULT_MAX_ZIP_ENTRIES,
    DEFAULT_MAX_ZIP_RATIO,
    DEFAULT_ZIP_RATIO_MIN_BYTES,
    check_zip,
)

__all__ = [
    "KINDS",
    "SHAPEFILE_ZIP_EXTENSIONS",
    "UploadLimits",
    "UploadSession",
    "check_content",
    "check_shapefile_zip",
    "safe_extract_zip",
    "sanitise_filename",
]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

_MIB = 1024 * 1024

#: Kinds of upload and the :class:`UploadLimits` field holding their allowed extensions.
KINDS = {
    "boundaries": "vector_extensions",
    "vector": "vector_extensions",
    "table": "table_extensions",
    "raster": "raster_extensions",
}

#: Files a zipped Shapefile may hold (lower case, with the dot); folders are allowed too.
SHAPEFILE_ZIP_EXTENSIONS = frozenset(
    {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".txt"}
)
_SHAPEFILE_PARTS = (".shx", ".dbf")
_REZIP = "Make a new zip holding only the Shapefile's files (.shp, .shx, .dbf, .prj) and upload it."
_SAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 120
_CHUNK = 1 << 20

# Signatures used to say what a file really is when it does not match its extension.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (or an Excel/Word file, which are zip archives)"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"SQLite format 3\x00", "an SQLite database (or a GeoPackage)"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"II+\x00", "a BigTIFF image"),
    (b"MM\x00+", "a BigTIFF image"),
    (b"PAR1", "a Parquet file"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.xls or .doc)"),
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a program"),
    (b"\x1f\x8b", "a gzip archive"),
)
_TIFF_MAGIC = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_BINARY_MAGIC = {
    ".gpkg": ((b"SQLite format 3\x00",), "GeoPackage"),
    ".zip": ((b"PK\x03\x04",), "zip archive"),
    ".tif": (_TIFF_MAGIC, "GeoTIFF"),
    ".tiff": (_TIFF_MAGIC, "GeoTIFF"),
    ".parquet": ((b"PAR1",), "GeoParquet file"),
}


@dataclass(frozen=True)
class UploadLimits:
    """Limits applied to uploads (sizes in bytes).

    Attributes
    ----------
    max_file_bytes : int
        Largest single upload (default 50 MiB).
    max_session_bytes : int
        Largest total of the uploads kept by one session (default 200 MiB). Extracted zip
        contents are bounded by ``max_zip_uncompressed_bytes`` instead.
    max_zip_uncompressed_bytes : int
        Largest total uncompressed size of a zip's entries (default 500 MiB).
    max_zip_ratio : float
        Largest ratio uncompressed / packed size, per entry and for the whole archive (default
        100; zip bombs reach about 1,000).
    zip_ratio_min_bytes : int
        Entries (and archives) smaller than this when uncompressed are not held to the ratio:
        small, very regular files such as a ``.dbf`` of blank text fields compress well and are
        harmless (default 1 MiB).
    max_zip_entries : int
        Largest number of entries (files and folders) in a zip (default 100).
    vector_extensions, table_extensions, raster_extensions : tuple of str
        Allowed extensions (lower case, with the dot) for the kinds ``"boundaries"``/``"vector"``
        (a ``.zip`` is a zipped Shapefile), ``"table"`` and ``"raster"``.
    """

    max_file_bytes: int = 50 * _MIB
    max_session_bytes: int = 200 * _MIB
    max_zip_uncompressed_bytes: int = 500 * _MIB
    max_zip_ratio: float = DEFAULT_MAX_ZIP_RATIO
    zip_ratio_min_bytes: int = DEFAULT_ZIP_RATIO_MIN_BYTES
    max_zip_entries: int = DEFAULT_MAX_ZIP_ENTRIES
    vector_extensions: tuple[str, ...] = (".geojson", ".json", ".gpkg", ".zip", ".parquet")
    table_extensions: tuple[str, ...] = (".csv",)
    raster_extensions: tuple[str, ...] = (".tif", ".tiff")

    def extensions(self, kind: str) -> tuple[str, ...]:
        """Allowed extensions for ``kind`` (one of :data:`KINDS`)."""
        if kind not in KINDS:
            raise InputDataError(
                f"unknown kind of upload {kind!r}. Use one of: {', '.join(KINDS)}."
            )
        return getattr(self, KINDS[kind])


def _human(n: float) -> str:
    """Bytes as text: ``52,428,800 bytes (50.0 MB)`` (MB = MiB here, as file managers show)."""
    return f"{int(n):,} bytes ({n / _MIB:,.1f} MB)"


# --------------------------------------------------------------------------------------------
# names and content
# --------------------------------------------------------------------------------------------
def sanitise_filename(name: str, allowed_extensions: tuple[str, ...] | None = None) -> str:
    """A safe file name for an upload: base name only, ``[A-Za-z0-9._-]``, no leading dot.

    Parameters
    ----------
    name : str
        The name the browser sent (may hold folders, ``..``, spaces, accents).
    allowed_extensions : tuple of str, optional
        Lower-case extensions with the dot; when given, any other extension is refused.

    Returns
    -------
    str
        For example ``'../../etc/passwd.csv'`` → ``'passwd.csv'``, ``'Peta Desa (v2).GeoJSON'``
        → ``'Peta_Desa_v2_.geojson'``. The extension is kept, in lower case.

    Raises
    ------
    InputDataError
        No extension, or one that is not allowed (the message lists the allowed ones).
    """
    base = re.split(r"[\\/]", str(name))[-1].replace("\x00", "")
    base = base.strip().lstrip(". ")
    stem, dot, ext = base.rpartition(".")
    if not dot or not stem:
        stem, ext = base, ""
    ext = _SAFE_CHARS.sub("", ext).lower()
    stem = _SAFE_CHARS.sub("_", stem).lstrip(".-") or "upload"
    shown = f"{stem}.{ext}" if ext else stem
    if allowed_extensions is not None and f".{ext}" not in allowed_extensions:
        what = f"of type '.{ext}'" if ext else "without an extension"
        raise InputDataError(
            f"{shown}: files {what} are not accepted here. Allowed: "
            f"{', '.join(allowed_extensions)}. Save the data in one of these formats.",
            path=shown,
        )
    stem = stem[: _MAX_NAME - len(ext) - 1]
    return f"{stem}.{ext}" if ext else stem


def _looks_like(data: bytes) -> str | None:
    """What the first bytes of a file say it is (``'a PNG image'``), or None."""
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            return what
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "a web page (HTML)"
    if head.startswith(b"<"):
        return "an XML or HTML document"
    return None


def _wrong_type(shown: str, expected: str, data: bytes, advice: str) -> InputDataError:
    what = _looks_like(data)
    seen = f"its content looks like {what}" if what else "its content does not match"
    return InputDataError(f"{shown}: this is not a {expected}: {seen}. {advice}", path=shown)


def check_content(name: str, data: bytes) -> None:
    r"""Check that the content of a file matches its extension.

    GeoPackage: SQLite header; zip: ``PK\x03\x04``; GeoTIFF: ``II*\0``, ``MM\0*`` or BigTIFF
    ``II+\0``/``MM\0+``; GeoParquet: ``PAR1`` at both ends; GeoJSON: UTF-8 text holding a JSON
    object; CSV: text (UTF-8, UTF-8 with BOM, or Latin-1) without NUL bytes.

    Parameters
    ----------
    name : str
        The (sanitised) file name; its extension says what is expected.
    data : bytes
        The whole file.

    Raises
    ------
    InputDataError
        An empty file, or content that does not match the extension; the message says what the
        file looks like and what to do.
    """
    shown = name
    ext = PurePosixPath(name).suffix.lower()
    if not data:
        raise InputDataError(
            f"{shown}: the file is empty (0 bytes). Upload the file again, or export it anew.",
            path=shown,
        )
    advice = "Check that you chose the right file, and export it again in the stated format."
    if ext in _BINARY_MAGIC:
        magics, expected = _BINARY_MAGIC[ext]
        ok = data.startswith(magics)
        if ext == ".parquet":
            ok = ok and len(data) >= 8 and data.endswith(b"PAR1")
        if not ok:
            raise _wrong_type(shown, expected, data, advice)
        return
    if ext in (".geojson", ".json"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            if _looks_like(data):
                raise _wrong_type(shown, "GeoJSON file", data, advice) from err
            raise InputDataError(
                f"{shown}: this GeoJSON file is not UTF-8 text (byte {err.start:,} cannot be "
                "read). GeoJSON must be UTF-8: export it again (QGIS: Export > Save Features "
                "As > GeoJSON, encoding UTF-8).",
                path=shown,
            ) from err
        if "\x00" in text or not text.lstrip().startswith("{"):
            raise _wrong_type(shown, "GeoJSON file", data, advice)
        return
    if ext == ".csv":
        if _looks_like(data) or b"\x00" in data:
            raise _wrong_type(
                shown,
                "CSV table",
                data,
                "Open it in a spreadsheet and save it as CSV (comma or semicolon separated).",
            )
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            logger.info("'%s' is not UTF-8; it will be read as Latin-1/Windows-1252", shown)
        return
    raise InputDataError(f"{shown}: no content check is known for '{ext}'.", path=shown)


# --------------------------------------------------------------------------------------------
# zip archives
# --------------------------------------------------------------------------------------------
def _is_junk(name: str) -> bool:
    """Entries macOS Finder adds to archives (``__MACOSX/``, ``._name``): skipped, not refused."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and (parts[0] == "__MACOSX" or parts[-1].startswith("._"))


def check_shapefile_zip(
    path: str | Path,
    *,
    limits: UploadLimits | None = None,
    display_name: str | None = None,
) -> tuple[list[zipfile.ZipInfo], str]:
    """Check a zipped Shapefile without extracting anything.

    Refuses: more than ``limits.max_zip_entries`` entries; absolute paths, ``..`` components,
    drive letters; symbolic links; encrypted entries; files other than Shapefile parts
    (:data:`SHAPEFILE_ZIP_EXTENSIONS`); a total uncompressed size above
    ``limits.max_zip_uncompressed_bytes``; an entry, or the archive, whose uncompressed size
    exceeds ``limits.max_zip_ratio`` times its packed size (above ``limits.zip_ratio_min_bytes``);
    entries named twice; no ``.shp`` or several; a ``.shp`` without its ``.shx`` or ``.dbf``.
    Path, link, encryption, type and total-size checks are those of :func:`ovop_geo.io.check_zip`.
    Every problem is collected and raised once.

    Parameters
    ----------
    path : str or Path
        The archive.
    limits : UploadLimits, optional
        Default :class:`UploadLimits()`.
    display_name : str, optional
        The upload's name as the user knows it, for messages.

    Returns
    -------
    (list of zipfile.ZipInfo, str)
        Entries to extract (macOS ``__MACOSX``/``._`` entries left out) and the name of the
        ``.shp`` entry.

    Raises
    ------
    InputDataError
        Every problem found, naming the upload and what to do.
    """
    limits = limits or UploadLimits()
    path = Path(path)
    shown = display_name or path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise InputDataError(
            f"{shown}: not a readable zip archive ({err}). {_REZIP}", path=shown
        ) from err
    problems: list[str] = []
    try:
        check_zip(
            path,
            max_uncompressed_bytes=limits.max_zip_uncompressed_bytes,
            allowed_extensions=SHAPEFILE_ZIP_EXTENSIONS,
            display_name=shown,
            max_entries=limits.max_zip_entries,
            max_ratio=limits.max_zip_ratio,
            ratio_min_bytes=limits.zip_ratio_min_bytes,
        )
    except InputDataError as err:
        problems.extend(err.problems)
    keep = [i for i in infos if not _is_junk(i.filename)]
    lowered = [i.filename.replace("\\", "/").rstrip("/").lower() for i in keep]
    dupes = sorted({n for n in lowered if lowered.count(n) > 1})
    if dupes:
        problems.append(f"entries named more than once: {format_items(dupes)}.")
    files = [i.filename.replace("\\", "/") for i in keep if not i.is_dir()]
    shps = [n for n in files if n.lower().endswith(".shp")]
    if not shps:
        problems.append("no Shapefile (.shp) found in the archive.")
    elif len(shps) > 1:
        problems.append(
            f"the archive holds {len(shps)} Shapefiles ({format_items(shps)}); exactly one is "
            "expected. Upload one zip per layer."
        )
    else:
        stem = shps[0][:-4].lower()
        have = {n.lower() for n in files}
        missing = [ext for ext in _SHAPEFILE_PARTS if stem + ext not in have]
        if missing:
            problems.append(
                f"the Shapefile '{shps[0]}' comes without its {' and '.join(missing)} file(s), "
                "which hold its index and attributes."
            )
    if problems:
        _raise_with_advice(shown, problems)
    return keep, next(i.filename for i in keep if i.filename.replace("\\", "/") == shps[0])


def _raise_with_advice(shown: str, problems: list[str]) -> None:
    """Raise every problem of an archive at once, followed by what to do."""
    if len(problems) == 1:
        body = problems[0]
    else:
        body = f"{len(problems)} problems:\n" + "\n".join(f"- {p}" for p in problems) + "\n"
    raise InputDataError(f"{shown}: {body} {_REZIP}", path=shown, problems=problems)


def _entry_target(dest: Path, name: str) -> Path:
    """Where an (already checked) entry goes inside ``dest``; refuses anything outside it."""
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".")]
    target = dest.joinpath(*parts).resolve()
    if not parts or not target.is_relative_to(dest):
        raise InputDataError(f"entry '{name}' would be written outside the destination folder.")
    return target


def safe_extract_zip(
    path: str | Path,
    dest: str | Path,
    *,
    limits: UploadLimits | None = None,
    display_name: str | None = None,
) -> Path:
    """Check a zipped Shapefile (:func:`check_shapefile_zip`), then extract it inside ``dest``.

    Nothing is extracted unless every check passes. Each entry is written only to a path inside
    ``dest`` (resolved), never following or creating symbolic links, never overwriting a file,
    and at most its declared uncompressed size is written (so an archive lying about its sizes
    cannot fill the disk). On failure the files already written are removed.

    Parameters
    ----------
    path : str or Path
        The archive.
    dest : str or Path
        Destination folder (created if missing).
    limits : UploadLimits, optional
        Default :class:`UploadLimits()`.
    display_name : str, optional
        The upload's name as the user knows it, for messages.

    Returns
    -------
    Path
        The extracted ``.shp`` file (read it with :func:`ovop_geo.io.read_vector`; CRS from its
        ``.prj``).

    Raises
    ------
    InputDataError
        The archive fails a check, or an entry cannot be written.
    """
    limits = limits or UploadLimits()
    shown = display_name or Path(path).name
    infos, shp_name = check_shapefile_zip(path, limits=limits, display_name=shown)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    dest = dest.resolve()
    written: list[Path] = []
    budget = limits.max_zip_uncompressed_bytes
    try:
        with zipfile.ZipFile(path) as zf:
            for info in infos:
                target = _entry_target(dest, info.filename)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                budget -= _copy_entry(zf, info, target, written, budget)
    except (OSError, zipfile.BadZipFile, EOFError) as err:
        for f in reversed(written):
            f.unlink(missing_ok=True)
        raise InputDataError(
            f"{shown}: the archive could not be extracted ({err}). {_REZIP}", path=shown
        ) from err
    except InputDataError as err:
        for f in reversed(written):
            f.unlink(missing_ok=True)
        raise InputDataError(f"{shown}: {err} {_REZIP}", path=shown) from err
    logger.info("Extracted %d files from '%s'", len(written), shown)
    return _entry_target(dest, shp_name)


def _copy_entry(zf, info, target: Path, written: list[Path], budget: int) -> int:
    """Copy one entry to a new file, at most its declared size and the remaining budget."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(target, flags, 0o600)
    written.append(target)
    cap = min(info.file_size, budget)
    size = 0
    with os.fdopen(fd, "wb") as out, zf.open(info) as src:
        while chunk := src.read(_CHUNK):
            size += len(chunk)
            if size > cap:
                raise InputDataError(
                    f"entry '{info.filename}' expands beyond its declared size or the limit of "
                    f"{_human(budget)}."
                )
            out.write(chunk)
    return size


# --------------------------------------------------------------------------------------------
# sessions
# --------------------------------------------------------------------------------------------
class UploadSession:
    """The uploads of one user session, kept in a private temporary folder.

    Use as a context manager (or call :meth:`close`): the folder, created with
    ``tempfile.mkdtemp(prefix="ovop-upload-")``, is removed on close, and also when the object
    is garbage-collected or the interpreter exits, should nobody close it.

    Parameters
    ----------
    limits : UploadLimits, optional
        Default :class:`UploadLimits()`.
    base_dir : str or Path, optional
        Parent of the session folder (default: the system's temporary folder).

    Examples
    --------
    >>> with UploadSession() as uploads:                       # doctest: +SKIP
    ...     path = uploads.save("desa.geojson", data, "boundaries")
    ...     villages = ovop_geo.io.read_vector(path, display_name="desa.geojson")
    """

    def __init__(self, limits: UploadLimits | None = None, *, base_dir: str | Path | None = None):
        self.limits = limits or UploadLimits()
        self._dir = Path(tempfile.mkdtemp(prefix="ovop-upload-", dir=base_dir)).resolve()
        self._sizes: dict[str, int] = {}
        self._finalizer = weakref.finalize(self, shutil.rmtree, str(self._dir), True)

    @property
    def folder(self) -> Path:
        """The session's temporary folder (absolute)."""
        return self._dir

    @property
    def closed(self) -> bool:
        """True once the folder has been removed."""
        return not self._finalizer.alive

    @property
    def total_bytes(self) -> int:
        """Bytes of the uploads kept by this session."""
        return sum(self._sizes.values())

    def close(self) -> None:
        """Remove the session folder and everything in it (safe to call twice)."""
        self._finalizer()
        self._sizes.clear()

    def __enter__(self) -> UploadSession:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def save(self, name: str, data: bytes, kind: str) -> Path:
        """Check an upload and write it into the session folder.

        Parameters
        ----------
        name : str
            The file name the browser sent.
        data : bytes
            The file's content.
        kind : {"boundaries", "vector", "table", "raster"}
            What the upload is for; decides the allowed extensions.

        Returns
        -------
        Path
            The saved file, inside :attr:`folder`, named by :func:`sanitise_filename`. A new
            upload with the same name replaces the previous one.

        Raises
        ------
        InputDataError
            Size over the per-file or session limit, empty file, extension not allowed for the
            kind, content not matching the extension, a zip that fails
            :func:`check_shapefile_zip`, or a closed session.
        """
        if self.closed:
            raise InputDataError("the upload session has ended. Reload the page and upload again.")
        safe = sanitise_filename(name, self.limits.extensions(kind))
        data = bytes(data)
        size = len(data)
        if size > self.limits.max_file_bytes:
            raise InputDataError(
                f"{safe}: the file is {_human(size)}, more than the limit of "
                f"{_human(self.limits.max_file_bytes)} per file. Clip the data to your region "
                "or simplify it, then upload again.",
                path=safe,
            )
        total = self.total_bytes - self._sizes.get(safe, 0) + size
        if total > self.limits.max_session_bytes:
            raise InputDataError(
                f"{safe}: with this file the uploads of this session would reach {_human(total)}, "
                f"more than the limit of {_human(self.limits.max_session_bytes)}. Reload the page "
                "to start a new session, or upload smaller files.",
                path=safe,
            )
        check_content(safe, data)
        target = self._dir / safe
        if target.parent != self._dir:  # sanitise_filename keeps no folders; checked anyway
            raise InputDataError(f"{safe}: refused file name.", path=safe)
        if safe.lower().endswith(".zip"):
            staged = self._write(self._dir / f".{safe}.part", data)
            try:
                check_shapefile_zip(staged, limits=self.limits, display_name=safe)
            except InputDataError:
                staged.unlink(missing_ok=True)
                raise
            os.replace(staged, target)
        else:
            self._write(target, data)
        self._sizes[safe] = size
        logger.info("Saved upload '%s' (%s bytes)", safe, f"{size:,}")
        return target

    def extract_zip(self, path: str | Path) -> Path:
        """Extract a saved zipped Shapefile into a new folder of the session; return the ``.shp``.

        Parameters
        ----------
        path : str or Path
            A zip returned by :meth:`save`.

        Returns
        -------
        Path
            The extracted ``.shp`` (inside :attr:`folder`).
        """
        path = Path(path).resolve()
        if self.closed or not path.is_relative_to(self._dir):
            raise InputDataError(f"{path.name}: not an upload of this session. Upload it again.")
        dest = Path(tempfile.mkdtemp(prefix=f"{path.stem}-", dir=self._dir))
        return safe_extract_zip(path, dest, limits=self.limits, display_name=path.name)

    def _write(self, target: Path, data: bytes) -> Path:
        if target.is_symlink():
            target.unlink()
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(target, flags, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return target

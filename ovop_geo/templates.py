"""The own-region starter kit: statistics templates, editable tables and a ready manifest.

:func:`region_templates` gives every file of a folder a planner fills in: the village
boundaries, one CSV template per statistic (harvest, businesses, households) with the kabupaten
and kecamatan code and name beside each village, the products and crops tables (the paper's
3 crops and 9 products with their raw-material links are the default, not a limit: add rows),
the other parameter tables, and ``layers/<id>.toml`` naming them all. Fill in the templates
(rows left empty are skipped) and run ``ovop-geo run --layers DIR/layers/<id>.toml``.

Nothing is written here: the files come back as bytes for :func:`ovop_geo.export.write_outputs`.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from .export import to_csv_bytes, to_gpkg_bytes
from .manifest import manifest_text
from .region import (
    DEFAULT_TEMPLATE_CROPS,
    DEFAULT_TEMPLATE_PRODUCTS,
    TEMPLATE_FILES,
    Region,
    statistics_templates,
)
from .wilayah import admin_units

__all__ = ["EDITABLE_TABLES", "TEMPLATE_FILES", "TemplateKit", "region_templates"]

#: Parameter tables copied next to the templates so the user can edit them: manifest name ->
#: file name. ``raw_materials`` is the products table (product, its crop and conversion).
EDITABLE_TABLES = {"raw_materials": "products.csv", "crops": "crops.csv"}
BOUNDARIES_FILE = "boundaries.gpkg"


@dataclass(frozen=True)
class TemplateKit:
    """The files of an own-region folder: ``files`` at its top, ``manifest`` in ``layers/``."""

    files: dict[str, bytes]
    manifest_name: str
    manifest: bytes

    def zip(self) -> bytes:
        """The folder as one zip file (the manifest under ``layers/``), built in memory."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, payload in self.files.items():
                archive.writestr(name, payload)
            archive.writestr(f"layers/{self.manifest_name}", self.manifest)
        return buffer.getvalue()


def _boundaries(villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    units = admin_units(villages)
    keep = [c for c in ("village_name", "group", "households") if c in villages.columns]
    out = villages[keep].copy()
    for column in ("kabupaten_code", "kabupaten_name", "kecamatan_code"):
        out[column] = units[column].astype(object)
    return gpd.GeoDataFrame(out, geometry=villages.geometry, crs=villages.crs)


def region_templates(
    region: Region, *, region_id: str | None = None, name: str | None = None
) -> TemplateKit:
    """Every file of an own-region folder for ``region`` (its villages, tables and manifest).

    Parameters
    ----------
    region : Region
        A bundled region, one loaded from the user's manifest, or boundaries only.
    region_id, name : str, optional
        Id and display name of the new region; default ``<id>-own`` and the region's name.

    Returns
    -------
    TemplateKit
        ``files`` (boundaries GeoPackage, statistics templates, products and crops and the
        other parameter tables as CSV) and the manifest ``layers/<id>.toml`` naming them, with
        paths relative to it. The manifest is checked by the loader's rules before it is
        returned.
    """
    tables = region.tables
    raw = tables.get("raw_materials")
    linked = () if raw is None else tuple(raw["product"].astype(str))
    products = tuple(
        dict.fromkeys(
            (*region.businesses.columns, *linked)
            if region.businesses is not None
            else (*DEFAULT_TEMPLATE_PRODUCTS, *linked)
        )
    )
    crops = (
        tuple(tables["crops"]["crop_id"].astype(str))
        if "crops" in tables
        else DEFAULT_TEMPLATE_CROPS
    )
    files: dict[str, bytes] = {
        file: to_csv_bytes(frame, index=False)
        for file, frame in statistics_templates(
            region.villages, crops=crops, products=products
        ).items()
    }
    villages = _boundaries(region.villages)
    files[BOUNDARIES_FILE] = to_gpkg_bytes({"villages": (villages, "village_code")})
    table_files: dict[str, str] = {}
    for table, frame in tables.items():
        file = EDITABLE_TABLES.get(table, f"{table}.csv")
        files[file] = to_csv_bytes(frame, index=False)
        table_files[table] = file
    region_id = region_id or f"{region.id}-own"
    manifest = region.manifest
    boundaries = {
        "path": f"../{BOUNDARIES_FILE}",
        "id_column": "village_code",
        "name_column": "village_name",
        "group_column": "group" if "group" in villages.columns else None,
        "households_column": "households" if "households" in villages.columns else None,
        "source": manifest.boundaries.source,
        "licence": manifest.boundaries.licence,
        "note": manifest.boundaries.note,
        "illustrative": manifest.boundaries.illustrative,
    }
    info = manifest.region
    sections: dict[str, dict] = {
        "region": {
            "id": region_id,
            "name": name or info.name,
            "population": info.population,
            "population_growth_pct_yr": info.population_growth_pct_yr,
            "population_source": info.population_source,
        },
        "boundaries": boundaries,
    }
    capital = manifest.access.capital
    if capital is not None:
        sections["access"] = {
            "capital": {
                k: v
                for k, v in (
                    ("name", capital.name),
                    ("lon", capital.lon),
                    ("lat", capital.lat),
                    ("source", capital.source),
                )
                if v is not None
            },
            "centre_village": manifest.access.centre_village,
        }
    for section, file in TEMPLATE_FILES.items():
        sections[f"statistics.{section}"] = {
            "path": f"../{file}",
            "source": "fill in: who published these figures, and when",
            "level": "village" if section == "harvest" else None,
        }
    sections["tables"] = {table: f"../{file}" for table, file in table_files.items()}
    if manifest.parameters:
        sections["parameters"] = dict(manifest.parameters)
    manifest_name = f"{region_id}.toml"
    header = (
        f"Region manifest written by 'ovop-geo template' for {name or info.name}.\n"
        "Fill in the templates (rows left empty are skipped), edit products.csv\n"
        "and crops.csv to add your products and crops, then run:\n"
        f"  ovop-geo run --layers layers/{manifest_name} --out results/\n"
        "Remove a [statistics.*] section whose template you do not fill in. See docs/manifest.md."
    )
    # Checked as if written to <folder>/layers/: the paths must stay inside <folder>.
    text = manifest_text(
        sections, header=header, path=Path.cwd() / "own-region" / "layers" / manifest_name
    )
    return TemplateKit(files=files, manifest_name=manifest_name, manifest=text.encode("utf-8"))

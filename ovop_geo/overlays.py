"""Map overlays as data: class polygons (land use, zoning) and raster images (slope classes).

No folium here: :mod:`ovop_geo.render` draws these layers. The slope image comes from the slope
raster the analysis computed once per region
(:attr:`ovop_geo.pipeline.PreparedRegion.slope_overview`), so the map never recomputes slope.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np

from ovop_geo.errors import ParameterError
from ovop_geo.i18n import DEFAULT_LANG, fmt_number
from ovop_geo.raster import Overview, png_data_url

__all__ = [
    "CLUSTER_COLOURS",
    "SLOPE_BREAKS_PCT",
    "SLOPE_COLOURS",
    "ClassLayer",
    "RasterLayer",
    "classify_raster",
    "cluster_layer",
    "slope_layer",
]

#: Colours of the sentra clusters by class (a sequential red scheme, strongest = sentra).
CLUSTER_COLOURS: Mapping[str, str] = {
    "sentra": "#b2182b",
    "pre_sentra": "#ef8a62",
    "potential": "#fddbc7",
}

#: Slope classes (%) of the slope layer: flat land up to 3 %, then the usual land-capability
#: classes 8, 15, 25 and 40 % (ColorBrewer RdYlGn, reversed).
SLOPE_BREAKS_PCT = (1.0, 3.0, 8.0, 15.0, 25.0, 40.0)
SLOPE_COLOURS = ("#1a9850", "#66bd63", "#a6d96a", "#fee08b", "#fdae61", "#f46d43", "#d73027")


@dataclass(frozen=True)
class ClassLayer:
    """A toggleable polygon layer coloured by class (land use, zoning, slope classes).

    Attributes
    ----------
    name : str
        Name in the layer control and the legend.
    frame : geopandas.GeoDataFrame
        Polygons with a CRS (reprojected to EPSG:4326 for the map).
    class_column : str
        Column holding each polygon's class.
    colours : Mapping
        Class -> CSS colour; classes not listed are drawn grey.
    class_labels : Mapping or None
        Class -> text for the legend and tooltip; the class itself when missing.
    illustrative : bool
        Marks the layer as illustrative in its name and the legend.
    show : bool
        Whether the layer is switched on when the map opens.
    opacity : float
        Fill opacity, 0-1.
    css_class : str
        CSS class of the layer's shapes on the page (``ovop-layer`` for context layers,
        ``ovop-cluster`` for sentra clusters), so that pages and tests can tell them apart.
    outline_only : bool
        Draw each polygon as a thick outline in its class colour, with no fill, so that the
        villages under it stay visible and answer the pointer (sentra clusters).
    """

    name: str
    frame: gpd.GeoDataFrame
    class_column: str
    colours: Mapping[Any, str]
    class_labels: Mapping[Any, str] | None = None
    illustrative: bool = False
    show: bool = False
    opacity: float = 0.6
    css_class: str = "ovop-layer"
    outline_only: bool = False


@dataclass(frozen=True, eq=False)
class RasterLayer:
    """A toggleable image layer (for example slope classes from :func:`classify_raster`).

    Attributes
    ----------
    name : str
        Name in the layer control and the legend.
    rgba : numpy.ndarray
        ``(rows, cols, 4)`` uint8 image, north up, in EPSG:4326 cell alignment.
    bounds : tuple
        ``((south, west), (north, east))`` in degrees (EPSG:4326).
    legend : tuple of (colour, label)
        Legend rows.
    """

    name: str
    rgba: np.ndarray
    bounds: tuple[tuple[float, float], tuple[float, float]]
    legend: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    illustrative: bool = False
    show: bool = False
    opacity: float = 0.7
    #: Optional ready PNG data URL of ``rgba`` already in Web Mercator rows (set by
    #: :func:`slope_layer`): the map then skips re-projecting and re-encoding the image.
    image_url: str = ""


def classify_raster(
    values: np.ndarray, breaks: Sequence[float], colours: Sequence[str]
) -> np.ndarray:
    """Colour a raster by class breaks: NaN cells become transparent.

    Parameters
    ----------
    values : numpy.ndarray
        2-D array (for example slope in %), NaN for nodata.
    breaks : sequence of float
        Inner class limits, increasing; ``len(colours) == len(breaks) + 1``. A value equal to a
        limit falls in the upper class.
    colours : sequence of str
        ``#rrggbb`` colours, one per class.

    Returns
    -------
    numpy.ndarray
        ``(rows, cols, 4)`` uint8 RGBA image.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or len(colours) != len(breaks) + 1:
        raise ParameterError(
            f"classify_raster needs a 2-D array and one more colour than breaks; got shape "
            f"{values.shape}, {len(breaks)} breaks and {len(colours)} colours."
        )
    if any(b2 <= b1 for b1, b2 in itertools.pairwise(breaks)):
        raise ParameterError(f"classify_raster: breaks must increase, got {list(breaks)}.")
    palette = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] + [255] for c in colours])
    idx = np.digitize(np.nan_to_num(values, nan=-np.inf), breaks)
    rgba = palette[idx].astype(np.uint8)
    rgba[np.isnan(values)] = 0
    return rgba


def slope_layer(
    overview: Overview,
    *,
    name: str,
    lang: str = DEFAULT_LANG,
    illustrative: bool = False,
    show: bool = False,
) -> RasterLayer:
    """A slope-class image (:data:`SLOPE_BREAKS_PCT`, percent) from a slope overview.

    Parameters
    ----------
    overview : ovop_geo.raster.Overview
        Slope in percent on a Web Mercator grid, NaN for nodata (transparent here); for a
        prepared region :attr:`~ovop_geo.pipeline.PreparedRegion.slope_overview`.
    name : str
        Layer name (translated).
    lang : {"id", "en"}
        Language of the class labels (``"< 1 %"``, ``"1 – 3 %"`` …).
    illustrative, show : bool
        As in :class:`RasterLayer`.

    Returns
    -------
    RasterLayer
        With the PNG encoded once (``image_url``).
    """
    rgba = classify_raster(overview.values, SLOPE_BREAKS_PCT, SLOPE_COLOURS)
    edges = [fmt_number(b, lang, decimals=0) for b in SLOPE_BREAKS_PCT]
    labels = [f"< {edges[0]} %"]
    labels += [f"{a} – {b} %" for a, b in itertools.pairwise(edges)]
    labels += [f"≥ {edges[-1]} %"]
    return RasterLayer(
        name=name,
        rgba=rgba,
        bounds=overview.bounds,
        image_url=png_data_url(rgba),
        legend=tuple(zip(SLOPE_COLOURS, labels, strict=True)),
        illustrative=illustrative,
        show=show,
    )


def cluster_layer(
    clusters: gpd.GeoDataFrame, product: str, *, lang: str = DEFAULT_LANG, show: bool = True
) -> ClassLayer | None:
    """The sentra clusters of one product as a layer coloured by the cluster's class.

    ``clusters`` is :func:`ovop_geo.clusters.sentra_clusters` output; None when the product
    has no cluster. The legend names each class and the tooltip the cluster's villages and
    firms.
    """
    from ovop_geo.i18n import t

    if clusters is None or clusters.empty:
        return None
    chosen = clusters[clusters["product"] == product]
    if chosen.empty:
        return None
    frame = chosen[["cluster_id", "sentra_class", "geometry"]].copy()
    frame["class_id"] = frame["sentra_class"]
    labels = {c: t(f"class_{c}", lang) for c in CLUSTER_COLOURS}
    return ClassLayer(
        name=t("layer_clusters", lang, product=product),
        frame=frame,
        class_column="class_id",
        colours=dict(CLUSTER_COLOURS),
        class_labels=labels,
        show=show,
        opacity=0.35,
        css_class="ovop-cluster",
        outline_only=True,
    )

"""Access criterion: straight-line distances from villages to their centres.

Distances are measured between village representative points (``representative_point`` in the
villages' UTM zone, so the point lies inside the village even for crescent shapes) and

- the sub-district (kecamatan) centre: a named centre village, or, when none is given, the
  representative point of the union of the group's villages (an assumption the output says);
- the provincial capital, a lon/lat point from the region manifest.

Straight lines understate road distances on a canal-and-river landscape; they rank villages the
same way as long as the network is not very uneven. The column names say ``_straight_km``.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from .errors import InputDataError
from .validate import require_crs

__all__ = ["Place", "distance_to_centres"]


@dataclass(frozen=True)
class Place:
    """A named point in EPSG:4326 (lon, lat) with the source of its coordinates."""

    name: str
    lon: float
    lat: float
    source: str = ""


def distance_to_centres(
    villages: gpd.GeoDataFrame,
    *,
    capital: Place | None = None,
    centre_village: str | None = None,
    group_column: str | None = "group",
) -> pd.DataFrame:
    """Straight-line distances (km) to the kecamatan centre and to the provincial capital.

    Parameters
    ----------
    villages : GeoDataFrame
        Indexed by ``village_code``, any CRS (measured in its UTM zone).
    capital : Place, optional
        The provincial capital (lon/lat, EPSG:4326).
    centre_village : str, optional
        Code of the village holding the kecamatan office; used for every village of a
        single-kecamatan region. Without it, each group's centre is the representative point of
        the union of its villages.
    group_column : str, optional
        Column naming each village's kecamatan; without it the region is one group.

    Returns
    -------
    DataFrame
        Indexed by ``village_code``: ``distance_centre_straight_km``,
        ``distance_capital_straight_km`` (NaN without a capital), ``centre_method``.
    """
    require_crs(villages.crs, "villages")
    utm = villages.estimate_utm_crs()
    projected = villages.to_crs(utm)
    points = projected.geometry.representative_point()
    out = pd.DataFrame(index=villages.index.copy())

    if centre_village is not None:
        if centre_village not in projected.index:
            raise InputDataError(
                f"access: centre_village '{centre_village}' is not a village code of this region. "
                "Give the code of the village that holds the kecamatan office, or remove the key."
            )
        centre = points.loc[centre_village]
        out["distance_centre_straight_km"] = points.distance(centre) / 1000.0
        out["centre_method"] = f"centre village {centre_village}"
    else:
        if group_column and group_column in projected.columns:
            groups = projected[group_column].fillna("")
        else:
            groups = pd.Series("", index=projected.index)
        centres = projected.geometry.groupby(groups).apply(
            lambda geoms: geoms.union_all().representative_point()
        )
        centre_of_village = gpd.GeoSeries(groups.map(centres), crs=utm, index=projected.index)
        out["distance_centre_straight_km"] = points.distance(centre_of_village) / 1000.0
        out["centre_method"] = "assumption: representative point of the kecamatan's villages"

    if capital is not None:
        cap = gpd.GeoSeries([Point(capital.lon, capital.lat)], crs=4326).to_crs(utm).iloc[0]
        out["distance_capital_straight_km"] = points.distance(cap) / 1000.0
    else:
        out["distance_capital_straight_km"] = float("nan")
    return out

"""Distances checked by hand on squares laid out in UTM zone 49S."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from ovop_geo.access import Place, distance_to_centres
from ovop_geo.errors import InputDataError

UTM49S = 32749


@pytest.fixture
def three_squares():
    # 1 km squares whose centres are 3 km apart along x, and one 4 km north of the first.
    x0, y0 = 300_000, 9_970_000
    geoms = [
        box(x0, y0, x0 + 1000, y0 + 1000),
        box(x0 + 3000, y0, x0 + 4000, y0 + 1000),
        box(x0, y0 + 4000, x0 + 1000, y0 + 5000),
    ]
    gdf = gpd.GeoDataFrame(
        {"group": ["A", "A", "B"]},
        geometry=geoms,
        crs=UTM49S,
        index=pd.Index(["v1", "v2", "v3"], name="village_code"),
    )
    return gdf.to_crs(4326)


def test_centre_village_distances_match_hand_values(three_squares):
    out = distance_to_centres(three_squares, centre_village="v1")
    np.testing.assert_allclose(
        out["distance_centre_straight_km"].to_numpy(), [0.0, 3.0, 4.0], atol=0.01
    )
    assert out.index.tolist() == ["v1", "v2", "v3"]


def test_group_centres_when_no_centre_village(three_squares):
    out = distance_to_centres(three_squares, group_column="group")
    # Group A is two squares 3 km apart: each is 1.5 km from the union's representative point
    # along x (the point of a two-part union lies in one part, so check the pair sums to 3 km).
    a = out.loc[["v1", "v2"], "distance_centre_straight_km"].sum()
    assert a == pytest.approx(3.0, abs=0.01)
    # Group B has one village: distance zero.
    assert out.loc["v3", "distance_centre_straight_km"] == pytest.approx(0.0, abs=1e-6)
    assert out["centre_method"].str.startswith("assumption").all()


def test_capital_distance(three_squares):
    # Put the capital at the centre of square v2 (converted to lon/lat).
    centre_v2 = gpd.GeoSeries(three_squares.loc[["v2"]].geometry).to_crs(UTM49S).centroid
    lonlat = centre_v2.to_crs(4326).iloc[0]
    out = distance_to_centres(three_squares, capital=Place("X", lonlat.x, lonlat.y))
    np.testing.assert_allclose(
        out["distance_capital_straight_km"].to_numpy(), [3.0, 0.0, 5.0], atol=0.01
    )


def test_unknown_centre_village_is_refused(three_squares):
    with pytest.raises(InputDataError, match="centre_village 'zz' is not a village code"):
        distance_to_centres(three_squares, centre_village="zz")

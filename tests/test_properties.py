"""Properties that must hold for any input: areas add up, conversions invert, labels don't matter.

Each property is checked on random inputs drawn by hypothesis (50 examples each, no deadline:
overlays and GDAL reads take tens of milliseconds).
"""

from __future__ import annotations

import csv
import io
import math

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from ovop_geo.economy import location_quotient
from ovop_geo.export import neutralise_formulas, to_csv_bytes, to_geojson_bytes
from ovop_geo.farming import disaggregate_harvest, land_availability, land_balance
from ovop_geo.landuse import landuse_by_village
from ovop_geo.mcda import Weights, score
from ovop_geo.units import YIELD_UNITS, t_ha_to, yield_to_t_ha

SETTINGS = settings(max_examples=50, deadline=None)
X0, Y0 = 330_000.0, 9_970_000.0  # UTM 49S (EPSG:32749), near Rasau Jaya
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Text without lone surrogates (not encodable as UTF-8) and without NUL (GDAL reads C strings).
TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12
)
FORMULA_TEXT = st.builds(
    lambda p, t: p + t, st.sampled_from(["=", "+", "-", "@", "=HYPERLINK("]), TEXT
)


def _relabel(frame: pd.DataFrame, order: list[int], names: dict[str, str]) -> pd.DataFrame:
    """Rows taken in another order and village codes renamed (level 0 of a MultiIndex)."""
    out = frame.iloc[order].copy()
    if isinstance(out.index, pd.MultiIndex):
        out.index = out.index.set_levels(
            [out.index.levels[0].map(names.get), *out.index.levels[1:]]
        )
    else:
        out.index = out.index.map(names.get)
        out.index.name = frame.index.name
    return out


@st.composite
def relabelling(draw, n: int):
    """A permutation of n rows and new, distinct village codes for codes V0..V{n-1}."""
    order = draw(st.permutations(range(n)))
    new = draw(
        st.lists(
            st.text("ABCDEFGHIJ0123456789.", min_size=1, max_size=8),
            min_size=n,
            max_size=n,
            unique=True,
        )
    )
    return list(order), {f"V{i}": new[i] for i in range(n)}


# --------------------------------------------------------------------------------- land use
@st.composite
def village_grid_and_landuse(draw):
    """Square villages on a grid, and land-use cells of a finer, shifted grid (a partition).

    Cells get a class a/b/c or none (left unmapped); the cell grid is shifted so cells straddle
    village edges, and it may run past the villages.
    """
    nx, ny = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    side = draw(st.floats(200.0, 3000.0))
    villages = [
        box(X0 + i * side, Y0 + j * side, X0 + (i + 1) * side, Y0 + (j + 1) * side)
        for j in range(ny)
        for i in range(nx)
    ]
    cell = side / draw(st.floats(0.7, 4.0))
    dx, dy = draw(st.floats(0.0, 0.99)) * cell, draw(st.floats(0.0, 0.99)) * cell
    kx = math.ceil((nx * side + dx) / cell) + 1
    ky = math.ceil((ny * side + dy) / cell) + 1
    labels = draw(
        st.lists(st.sampled_from(["a", "b", "c", None]), min_size=kx * ky, max_size=kx * ky)
    )
    cells, classes = [], []
    for k, label in enumerate(labels):
        if label is None:
            continue
        i, j = k % kx, k // kx
        x, y = X0 - dx + i * cell, Y0 - dy + j * cell
        cells.append(box(x, y, x + cell, y + cell))
        classes.append(label)
    codes = pd.Index([f"V{k}" for k in range(len(villages))], name="village_code")
    vg = gpd.GeoDataFrame(geometry=villages, index=codes, crs="EPSG:32749").to_crs(4326)
    lu = gpd.GeoDataFrame({"class_id": classes}, geometry=cells, crs="EPSG:32749")
    return vg, lu, side


@SETTINGS
@given(village_grid_and_landuse())
def test_class_areas_add_up_to_village_area(case):
    villages, landuse, side = case
    result = landuse_by_village(villages, landuse, class_column="class_id", classes=["a", "b", "c"])
    area_cols = ["a_ha", "b_ha", "c_ha", "unmapped_ha"]
    total = result[area_cols].sum(axis=1)
    village_ha = villages.to_crs(villages.estimate_utm_crs()).area / 1e4
    np.testing.assert_allclose(total, village_ha.loc[result.index], rtol=1e-3)
    np.testing.assert_allclose(village_ha, side * side / 1e4, rtol=1e-6)  # squares survive 4326
    assert (result[area_cols] >= -1e-6).all().all()
    shares = result[["share_a", "share_b", "share_c", "share_unmapped"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0, rtol=1e-3)


# --------------------------------------------------------------------------------- units
# Zero or a real magnitude: subnormal floats (5e-324 kg/ha) underflow to 0 t/ha, as any float would.
YIELD = st.one_of(st.just(0.0), st.floats(1e-9, 1e9))


@SETTINGS
@given(
    YIELD,
    st.sampled_from(sorted(YIELD_UNITS)),
    st.sampled_from(sorted(YIELD_UNITS)),
)
def test_yield_conversions_round_trip(value, unit, other):
    t_ha = yield_to_t_ha(value, unit)
    assert math.isclose(t_ha_to(t_ha, unit), value, rel_tol=1e-12, abs_tol=1e-300)
    # converting through any other unit gives the same t/ha
    via = yield_to_t_ha(t_ha_to(t_ha, other), other)
    assert math.isclose(via, t_ha, rel_tol=1e-12, abs_tol=1e-300)
    # case and spaces do not matter
    assert yield_to_t_ha(value, f" {unit.upper().replace('/', ' / ')} ") == t_ha


@SETTINGS
@given(st.lists(st.tuples(YIELD, st.sampled_from(sorted(YIELD_UNITS))), min_size=1))
def test_yield_conversion_per_row(rows):
    values = pd.Series([v for v, _ in rows])
    units = pd.Series([u for _, u in rows])
    t_ha = yield_to_t_ha(values, units)
    back = t_ha_to(t_ha, units)
    np.testing.assert_allclose(back, values, rtol=1e-12)
    expected = [v * YIELD_UNITS[u] for v, u in rows]  # ku/ha × 0.1, kg/ha × 0.001
    np.testing.assert_allclose(t_ha, expected, rtol=1e-12)


# --------------------------------------------------------------------------------- economy
@st.composite
def business_matrix(draw, min_villages=1):
    n = draw(st.integers(min_villages, 7))
    p = draw(st.integers(1, 4))
    values = draw(st.lists(st.integers(0, 40), min_size=n * p, max_size=n * p))
    frame = pd.DataFrame(
        np.array(values, dtype=float).reshape(n, p),
        index=pd.Index([f"V{i}" for i in range(n)], name="village_code"),
        columns=[f"p{k}" for k in range(p)],
    )
    return frame


@SETTINGS
@given(st.data())
def test_location_quotient_ignores_order_and_names(data):
    x = data.draw(business_matrix())
    order, names = data.draw(relabelling(len(x)))
    lq = location_quotient(x)
    lq2 = location_quotient(_relabel(x, order, names))
    expected = _relabel(lq, order, names)
    pd.testing.assert_frame_equal(lq2, expected, check_exact=False, rtol=1e-12)


@SETTINGS
@given(business_matrix())
def test_location_quotients_weighted_by_village_share_average_to_one(x):
    lq = location_quotient(x)
    grand = x.to_numpy().sum()
    weight = x.sum(axis=1) / grand if grand > 0 else x.sum(axis=1)  # X_j / X
    # NaN LQs are those of villages with a zero total (weight 0) or products with a zero total
    weighted = lq.fillna(0.0).mul(weight, axis=0).sum(axis=0)
    has_total = x.sum(axis=0) > 0
    np.testing.assert_allclose(weighted[has_total], 1.0, rtol=1e-12)
    assert lq.loc[:, ~has_total].isna().all().all()  # no reference share: NaN, not 0


# --------------------------------------------------------------------------------- MCDA
CRITERIA = ("businesses", "available_land_ha", "households", "distance_centre_km")
BENEFIT = ("businesses", "available_land_ha", "households")
COST = ("distance_centre_km",)


@st.composite
def criteria_table(draw):
    n = draw(st.integers(2, 6))
    products = draw(st.sampled_from([["kerupuk"], ["kerupuk", "dodol"]]))
    value = st.one_of(st.floats(0.0, 1000.0), st.just(np.nan))
    rows = [
        {"village_code": f"V{v}", "product": prod, **{c: draw(value) for c in CRITERIA}}
        for v in range(n)
        for prod in products
    ]
    crit = pd.DataFrame(rows).set_index(["village_code", "product"])
    weights = Weights.from_mapping({c: draw(st.floats(0.1, 10.0)) for c in CRITERIA})
    return crit, weights


@SETTINGS
@given(st.data())
def test_scores_ignore_order_and_names(data):
    crit, weights = data.draw(criteria_table())
    order, names = data.draw(relabelling(len(crit) // crit.index.get_level_values(1).nunique()))
    n_products = crit.index.get_level_values(1).nunique()
    rows = [r * n_products + k for r in order for k in range(n_products)]
    s1 = score(crit, weights)
    s2 = score(_relabel(crit, rows, names), weights)
    pd.testing.assert_frame_equal(s2, _relabel(s1, rows, names), check_exact=False, rtol=1e-12)


@SETTINGS
@given(criteria_table(), st.data())
def test_scores_in_range_and_move_the_right_way(case, data):
    crit, weights = case
    before = score(crit, weights)
    known = before["score"].dropna()
    assert ((known >= 0) & (known <= 100 + 1e-9)).all()
    assert before["score"].isna().equals(before["rank"].isna())

    criterion = data.draw(st.sampled_from(CRITERIA))
    row = data.draw(st.sampled_from(list(crit.index)))
    assume(not np.isnan(crit.loc[row, criterion]))
    step = data.draw(st.floats(0.001, 500.0))
    changed = crit.copy()
    # a benefit criterion improves (more), a cost criterion worsens (more too)
    changed.loc[row, criterion] = crit.loc[row, criterion] + step
    after = score(changed, weights)
    if criterion in BENEFIT:
        assert after.loc[row, "score"] >= before.loc[row, "score"] - 1e-9
    else:
        assert after.loc[row, "score"] <= before.loc[row, "score"] + 1e-9
    # pushed beyond every other village, the row becomes the best (benefit) or worst (cost);
    # with no other known value the criterion does not separate villages (all_equal = 1)
    same_product = crit.xs(row[1], level="product", drop_level=False)[criterion]
    assume(same_product.notna().sum() >= 2)
    extreme = changed.copy()
    extreme.loc[row, criterion] = float(np.nanmax(same_product.to_numpy())) + 1.0
    norm = score(extreme, weights, keep_normalised=True).loc[row, f"norm_{criterion}"]
    assert norm == (1.0 if criterion in BENEFIT else 0.0)


# --------------------------------------------------------------------------------- farming
@st.composite
def harvest_case(draw):
    n = draw(st.integers(1, 6))
    crops = ["padi", "jagung", "ubi_kayu"][: draw(st.integers(1, 3))]
    totals = pd.DataFrame(
        {
            "harvest_area_ha": [draw(st.floats(0.0, 5000.0)) for _ in crops],
            "yield_t_ha": [draw(st.floats(0.1, 30.0)) for _ in crops],
        },
        index=pd.Index(crops, name="crop_id"),
    )
    rows = []
    for crop in crops:
        suit = [draw(st.floats(0.0, 3000.0)) for _ in range(n)]
        if sum(suit) <= 0:
            suit[draw(st.integers(0, n - 1))] = 1.0
        rows += [(f"V{v}", crop, s) for v, s in enumerate(suit)]
    suitable = pd.DataFrame(rows, columns=["village_code", "crop_id", "suitable_ha"])
    suitable = suitable.sort_values(["village_code", "crop_id"]).set_index(
        ["village_code", "crop_id"]
    )
    return totals, suitable, n


@SETTINGS
@given(harvest_case(), st.data())
def test_disaggregation_ignores_order_and_names_and_adds_up(case, data):
    totals, suitable, n = case
    n_crops = len(totals)
    order, names = data.draw(relabelling(n))
    rows = [r * n_crops + k for r in order for k in range(n_crops)]
    out = disaggregate_harvest(totals, suitable)
    out2 = disaggregate_harvest(totals, _relabel(suitable, rows, names))
    expected = _relabel(out, [out.index.get_loc(i) for i in suitable.index[rows]], names)
    cols = ["harvest_area_ha", "yield_t_ha", "production_t", "suitable_ha"]
    np.testing.assert_allclose(out2.loc[expected.index, cols], expected[cols], rtol=1e-9, atol=1e-9)
    sums = out.groupby(level="crop_id")["harvest_area_ha"].sum()
    np.testing.assert_allclose(sums[totals.index], totals["harvest_area_ha"], rtol=1e-12, atol=1e-9)


# --------------------------------------------------------------------------------- exports
@st.composite
def village_layer(draw):
    n = draw(st.integers(1, 5))
    codes = draw(
        st.lists(st.one_of(TEXT, FORMULA_TEXT).filter(bool), min_size=n, max_size=n, unique=True)
    )
    geoms = []
    for _ in range(n):
        lon, lat = draw(st.floats(95.0, 141.0)), draw(st.floats(-11.0, 6.0))
        if draw(st.booleans()):
            geoms.append(Point(lon, lat))
        else:
            w, h = draw(st.floats(1e-4, 0.5)), draw(st.floats(1e-4, 0.5))
            geoms.append(box(lon, lat, lon + w, lat + h))
    gdf = gpd.GeoDataFrame(
        {
            "village_name": draw(
                st.lists(st.one_of(TEXT, FORMULA_TEXT, st.none()), min_size=n, max_size=n)
            ),
            "area_ha": draw(
                st.lists(st.one_of(st.floats(-1e12, 1e12), st.just(np.nan)), min_size=n, max_size=n)
            ),
            "businesses": draw(st.lists(st.integers(-(2**53), 2**53), min_size=n, max_size=n)),
        },
        geometry=geoms,
        index=pd.Index(codes, name="village_code"),
        crs="EPSG:4326",
    )
    return gdf


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


@SETTINGS
@given(village_layer(), st.booleans())
def test_geojson_export_reads_back_equal(gdf, projected):
    source = gdf.to_crs(32749) if projected else gdf
    data = to_geojson_bytes(source)
    back = gpd.read_file(io.BytesIO(data), engine="pyogrio")
    assert back.crs.to_epsg() == 4326
    assert back["village_code"].tolist() == gdf.index.tolist()
    for col in ("village_name", "area_ha", "businesses"):
        for wrote, read in zip(gdf[col], back[col], strict=True):
            if _missing(wrote):
                assert _missing(read), (col, wrote, read)
            else:
                assert read == wrote, (col, wrote, read)  # no apostrophe added to "=..." here
    expected = source.to_crs(4326).geometry if projected else gdf.geometry
    for a, b in zip(expected, back.geometry, strict=True):
        # One geometry type per layer (Multi*), coordinates to 7 decimals (GDAL's RFC 7946).
        assert b.geom_type == f"Multi{a.geom_type}"
        # Rounding may move a ring's first vertex, so compare shapes, not vertex lists.
        assert shapely.hausdorff_distance(a, b) <= 1e-7, (a, b)


@st.composite
def table_with_text(draw):
    n = draw(st.integers(1, 6))
    cell = st.one_of(TEXT, FORMULA_TEXT, st.sampled_from(["\tx", "\rx", "-", "+62 812"]))
    frame = pd.DataFrame(
        {
            "name": draw(st.lists(cell, min_size=n, max_size=n)),
            "value": draw(st.lists(st.floats(-1e9, 1e9), min_size=n, max_size=n)),
            "count": draw(st.lists(st.integers(-1000, 1000), min_size=n, max_size=n)),
        },
        index=pd.Index(
            draw(st.lists(cell, min_size=n, max_size=n, unique=True)), name="village_code"
        ),
    )
    return frame


def _guard(v: str) -> str:
    return "'" + v if v.startswith(FORMULA_START) else v


@SETTINGS
@given(table_with_text())
def test_csv_export_neutralises_formulas_and_keeps_numbers(frame):
    original = frame.copy()
    safe = neutralise_formulas(frame)
    pd.testing.assert_frame_equal(frame, original)  # the input is not modified
    assert safe["name"].tolist() == [_guard(v) for v in frame["name"]]
    assert safe.index.tolist() == [_guard(v) for v in frame.index]
    for col in ("value", "count"):  # numeric columns untouched, dtype kept
        assert safe[col].dtype == frame[col].dtype
        assert safe[col].tolist() == frame[col].tolist()

    text = to_csv_bytes(frame).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["village_code", "name", "value", "count"]
    body = rows[1:]
    assert [r[0] for r in body] == [_guard(v) for v in frame.index]
    assert [r[1] for r in body] == [_guard(v) for v in frame["name"]]
    assert [float(r[2]) for r in body] == frame["value"].tolist()  # "-3.5" stays a number
    assert [int(r[3]) for r in body] == frame["count"].tolist()
    for r in body:
        assert not r[1].startswith(("=", "+", "-", "@"))


# ---- one physical land balance -------------------------------------------------------------
@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.floats(0, 500),
            st.floats(0, 500),
            st.floats(0, 500),  # suitable per crop
            st.floats(0, 1),  # where the union lies between the largest and the sum
            st.floats(0, 400),
            st.floats(0, 400),
            st.floats(0, 400),  # harvest per crop
        ),
        min_size=1,
        max_size=5,
    ),
    st.tuples(st.floats(0.5, 3), st.floats(0.5, 3), st.floats(0.5, 3)),
)
def test_available_land_never_exceeds_the_unused_physical_land(villages, ci):
    crops = ("a", "b", "c")
    suit_rows, harv_rows, land_rows = [], [], []
    for i, (s1, s2, s3, mix, h1, h2, h3) in enumerate(villages):
        code = f"V{i}"
        suit = (s1, s2, s3)
        union = max(suit) + mix * (sum(suit) - max(suit))
        land_rows.append((code, union * 1.5 + 1, union * 1.2, union, 0.0))
        for crop, s, h in zip(crops, suit, (h1, h2, h3), strict=True):
            suit_rows.append((code, crop, s))
            harv_rows.append((code, crop, h, 2.0))
    suitable = pd.DataFrame(suit_rows, columns=["village_code", "crop_id", "suitable_ha"])
    suitable = suitable.set_index(["village_code", "crop_id"])
    harvest = pd.DataFrame(
        harv_rows, columns=["village_code", "crop_id", "harvest_area_ha", "yield_t_ha"]
    )
    harvest["production_t"] = harvest["harvest_area_ha"] * 2.0
    harvest = harvest.set_index(["village_code", "crop_id"])
    village_land = pd.DataFrame(
        land_rows,
        columns=[
            "village_code",
            "area_ha",
            "farmland_ha",
            "farmland_suitable_ha",
            "farmland_idle_ha",
        ],
    ).set_index("village_code")
    demand = pd.DataFrame({"demand_t_yr": 0.0}, index=suitable.index)
    intensity = pd.Series(dict(zip(crops, ci, strict=True)))
    out = land_availability(
        suitable, harvest, demand, village_land=village_land, intensity=intensity
    )
    balance = land_balance(village_land, out)
    total = out["available_ha"].groupby(level="village_code").sum()
    unused = balance["land_unused_ha"]
    assert (out["available_ha"] >= 0).all()
    assert (out["available_ha"] <= out["unused_suitable_ha"] * (1 + 1e-9) + 1e-9).all()
    assert (total <= unused * (1 + 1e-9) + 1e-9).all()
    # the whole unused land is allocated whenever some crop can take it
    np.testing.assert_allclose(total, unused, rtol=1e-9, atol=1e-9)
    parts = balance[["land_used_ha", "land_unused_ha", "land_unsuitable_ha"]].sum(axis=1)
    assert (parts >= balance["area_ha"] * (1 - 1e-9) - 1e-9).all()

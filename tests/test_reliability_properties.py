"""Properties of the reliability rules: one yes/no vocabulary, every problem counted, bounded
checks, messages that never echo file contents (hypothesis, derandomized)."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.affinity import translate

from ovop_geo.errors import InputDataError
from ovop_geo.io import describe_content, read_table
from ovop_geo.plausibility import Bounds, check_villages
from ovop_geo.validate import NO_WORDS, YES_WORDS, parse_yes_no, validate_numeric
from tests.conftest import make_squares

EXAMPLES = int(os.environ.get("OVOP_FUZZ_EXAMPLES", "25"))
PROPS = settings(
    max_examples=EXAMPLES * 2,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
WORDS = sorted(YES_WORDS | NO_WORDS)


@PROPS
@given(
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), min_size=1, max_size=20),
    st.sampled_from([str.upper, str.lower, str.title, lambda w: f"  {w} "]),
)
def test_yes_no_reads_exactly_its_vocabulary(words, case):
    """Every cell is yes, no, or refused with its row: never silently 'no'."""
    cells = pd.Series([case(w) for w in words], dtype=object)
    known = [" ".join(w.split()).lower() in YES_WORDS | NO_WORDS for w in words]
    problems: list[str] = []
    out = parse_yes_no(cells, path="t.csv", column="flag", problems=problems)
    for i, (w, ok) in enumerate(zip(words, known, strict=True)):
        if ok:
            assert out.iloc[i] == (" ".join(w.split()).lower() in YES_WORDS)
    if all(known):
        assert problems == []
    else:
        assert len(problems) == 1
        bad_rows = [str(i + 2) for i, ok in enumerate(known) if not ok]
        assert bad_rows[0] in problems[0]
        with pytest.raises(InputDataError, match="are not yes/no"):
            parse_yes_no(cells, path="t.csv", column="flag")


@PROPS
@given(
    st.lists(
        st.one_of(st.floats(-1e6, 1e6, allow_nan=False), st.just(np.nan), st.just(np.inf)),
        min_size=1,
        max_size=30,
    )
)
def test_every_bad_value_is_counted_once(values):
    """Missing, infinite and negative values are each counted, none hides another."""
    df = pd.DataFrame({"x": values})
    arr = np.asarray(values, dtype=float)
    n_missing = int((~np.isfinite(arr)).sum())
    n_negative = int((np.isfinite(arr) & (arr < 0)).sum())
    problems: list[str] = []
    validate_numeric(df, "x", path="t.csv", min_value=0, problems=problems)
    assert len(problems) == (n_missing > 0) + (n_negative > 0)
    text = "\n".join(problems)
    if n_missing:
        assert f"{n_missing} value(s) missing or not numbers" in text
    if n_negative:
        assert f"{n_negative} value(s) below 0" in text


@PROPS
@given(st.lists(st.sampled_from(["1", "2.5", "", "x", "-3", "inf"]), min_size=1, max_size=12))
def test_reading_collects_cells_and_keeps_the_good_ones(tmp_path_factory, cells):
    """With a problems list, every bad cell is reported and the others are still numbers."""
    path = tmp_path_factory.mktemp("t") / "t.csv"
    path.write_text("a,b\n" + "".join(f"r{i},{c}\n" for i, c in enumerate(cells)))
    problems: list[str] = []
    df = read_table(path, numeric_columns=("b",), problems=problems)
    good = [c not in ("", "x", "inf") for c in cells]
    assert np.isfinite(df["b"].to_numpy(dtype=float)).tolist() == good
    assert bool(problems) == (not all(good))


@PROPS
@given(st.binary(min_size=1, max_size=300))
def test_file_descriptions_never_contain_file_bytes(blob):
    """What a file looks like is said in the catalogue's words, never with its content."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.bin"
        path.write_bytes(b"<html>" + blob)
        described = describe_content(path)
    assert described is not None and "html" in described.lower()
    text = blob.decode("latin-1")
    if len(text.strip()) >= 4:
        assert text.strip() not in described


@PROPS
@given(st.floats(0.0, 2000.0), st.floats(0.001, 0.99))
def test_overlap_is_refused_exactly_above_the_bound(shift_m, bound):
    """Two 1,000 m squares moved apart by ``shift_m`` overlap by (1000 - shift)/1000 of each
    (hand count); refused above ``max_overlap_share``, warned above 1 %."""
    gdf = make_squares((1000.0, 1000.0), crs="EPSG:32749")
    first = gdf.geometry.iloc[0]
    gdf = gdf.set_geometry([first, translate(first, xoff=shift_m)])
    villages = gdf.to_crs(4326).rename(columns={"nama": "village_name"}).set_index("kode")
    villages["area_ha"] = 100.0
    share = max(0.0, 1000.0 - shift_m) / 1000.0
    bounds = Bounds(max_overlap_share=bound, overlap_warning_share=min(0.01, bound))
    found = check_villages(villages, path="d", bounds=bounds)
    tol = 1e-3  # reprojection moves the shared area by far less than 0.1 %
    if share > bound + tol:
        assert found.refusals and "A01 Desa Satu / A02 Desa Dua" in found.refusals[0]
    elif share < bound - tol:
        assert not found.refusals

"""Benchmarks and the generators of their inputs (not part of the installed package).

- :mod:`benchmarks.pipeline`: the whole pipeline on the 2,130 Kalimantan Barat villages over a
  generated DEM and land-use raster, with rasterstats and exactextract as baselines;
- :mod:`benchmarks.zonal`: the zonal stages against the baselines and a plain blocked read;
- :mod:`benchmarks.synthetic`: deterministic generators of the benchmark inputs and of the
  illustrative Rasau Jaya layers shipped in ``data/illustrative/``
  (``scripts/make_illustrative.py``).

Run from the checkout: ``python -m benchmarks [--resolution 30]`` (``make bench``).
"""

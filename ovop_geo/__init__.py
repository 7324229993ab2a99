"""ovop_geo: geospatial planning for One Village One Product (OVOP) programmes in Indonesia.

Load a region (village boundaries, land use, elevation, crop statistics, business counts) from a
manifest, compute land availability and candidate production centres (sentra) per village and
product, and render or export the results.

>>> import ovop_geo as og                                          # doctest: +SKIP
>>> result = og.analyse(og.prepare_region(og.load_region("rasau-jaya")))  # doctest: +SKIP
>>> og.available_regions()                                        # doctest: +SKIP
['kalimantan-barat', 'rasau-jaya']
"""

import logging
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("ovop-geo")
except PackageNotFoundError:  # imported from a checkout that was never installed
    __version__ = "0+unknown"

logging.getLogger(__name__).addHandler(logging.NullHandler())

from ovop_geo.errors import InputDataError, OvopError, ParameterError  # noqa: E402
from ovop_geo.manifest import available_regions, load_manifest  # noqa: E402
from ovop_geo.pipeline import (  # noqa: E402
    AnalysisParams,
    AnalysisResult,
    PreparedRegion,
    analyse,
    prepare_region,
)
from ovop_geo.region import Region, load_region  # noqa: E402

__all__ = [
    "AnalysisParams",
    "AnalysisResult",
    "InputDataError",
    "OvopError",
    "ParameterError",
    "PreparedRegion",
    "Region",
    "__version__",
    "analyse",
    "available_regions",
    "load_manifest",
    "load_region",
    "prepare_region",
]

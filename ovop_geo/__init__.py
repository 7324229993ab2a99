"""ovop_geo: geospatial planning for One Village One Product (OVOP) programmes in Indonesia.

Load a region (village boundaries, land use, elevation, crop statistics, business counts) from a
manifest in ``layers/``, compute land availability and candidate production centres (sentra) per
village and product, and render or export the results.

>>> from ovop_geo.region import load_region            # doctest: +SKIP
>>> region = load_region("rasau-jaya")                   # doctest: +SKIP
"""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

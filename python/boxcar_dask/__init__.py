"""boxcar-dask: boxcar's carbon accounting, packing and reports on a Dask
cluster, partitioned by byte ranges of whole records, merged exactly.
See docs/dask.md."""

__version__ = "0.1.0"

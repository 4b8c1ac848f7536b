"""Research exports: the stored bars, articles (metadata and tags), prices at publication
and reactions as CSV or Parquet, filtered by instruments, entities and dates.

``filters.py`` is what a reader may ask for; ``datasets.py`` the columns of each dataset
and the query that reads it in batches; ``writer.py`` writes the batches with pyarrow, so a
million rows never sit in memory at once. The columns are documented in docs/export.md, and
a test holds the two together.
"""

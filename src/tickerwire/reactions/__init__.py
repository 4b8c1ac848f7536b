"""The market's reaction to each article: prices at publication and the moves after it.

``horizons`` does the trading-time arithmetic, ``benchmarks`` picks what each instrument is
compared with, ``measure`` turns stored prices into moves, and ``snapshot`` records the
prices at publication inside the article's own transaction.
"""

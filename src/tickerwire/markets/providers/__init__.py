"""Market-data providers, one module each, all behind :class:`~.base.Provider`."""

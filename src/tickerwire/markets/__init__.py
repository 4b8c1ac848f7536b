"""The markets flow: providers -> poller -> store -> bus, and market status."""

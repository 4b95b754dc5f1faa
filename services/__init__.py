"""Property tax, municipal fees, billing and appeals for municipal revenue offices."""

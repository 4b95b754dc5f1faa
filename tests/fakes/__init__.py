"""In-memory stand-ins for the application ports, for unit tests of handlers (never used by the product)."""

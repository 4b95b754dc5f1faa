"""A plan's documents behind application/ports.py InspectionDocuments: route sheets and notices as PDF,
the plan's map as an offline HTML page."""

from __future__ import annotations


class InspectionDocumentWriter:
    pass

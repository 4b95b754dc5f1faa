"""The routing solver behind application/ports.py RoutePlanner (pyvroom)."""

from __future__ import annotations


class VroomRoutePlanner:
    pass

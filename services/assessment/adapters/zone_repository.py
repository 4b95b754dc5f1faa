"""Zones: replaced as a whole on import, read back as a spatial index."""

from __future__ import annotations

import shapely
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from services.assessment.adapters.orm import zones
from services.assessment.domain.zones import Zone, ZoneIndex


class ZoneRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def replace_all(self, items: list[Zone]) -> None:
        self._session.execute(delete(zones))
        self._session.execute(
            insert(zones),
            [
                {
                    "zone_id": z.zone_id,
                    "name": z.name,
                    "factor": z.factor,
                    "built_up": z.built_up,
                    "geometry_wkt": z.geometry.wkt,
                }
                for z in items
            ],
        )

    def index(self) -> ZoneIndex:
        rows = self._session.execute(select(zones).order_by(zones.c.zone_id))
        return ZoneIndex(
            [Zone(r.zone_id, r.name, r.factor, shapely.from_wkt(r.geometry_wkt), r.built_up) for r in rows]
        )

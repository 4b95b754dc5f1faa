"""The map on a route sheet (a ReportLab drawing): the zone polygons as a light base with their names, the
day's route as a line from the start through the stops in order and back, numbered markers matching the
sheet's table, a scale bar and the OpenStreetMap credit (the polygons are OSM data, ODbL).

Drawn in EPSG:25833 (UTM 33N, metres), the projection the planner measures distances in, so the map keeps
its aspect; zoomed to the day's points with a margin, not to the whole municipality."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from services.assessment.domain.property import Location
from services.assessment.domain.zones import Zone
from services.platform.pdf_fonts import BOLD, FONT, register_fonts

CREDIT = "Kart: © OpenStreetMap-bidragsytere"
MARGIN_SHARE = 0.12  # of the points' extent, on every side
MIN_SIDE_M = 1500.0  # a day in one block still shows its streets' surroundings
# The start stays on the map when it lies within this much beyond the stops: half their extent, and at
# least a few kilometres (a district-sized day shows where it starts; a day across town keeps to its stops).
START_NEAR_SHARE = 0.5
START_NEAR_M = 2500.0
# A day of one stop has no district of its own: the way there and back is its route, so the map shows the
# start too, unless it lies this far off (an assessor from another town: the stop would be a dot).
ONE_STOP_START_M = 30_000.0
ROUTE_COLOUR = "#1f4e9c"
ZONE_FILLS = ("#eef3e8", "#f4efe6", "#e9eef5", "#f5ecef", "#eef1f1", "#f3f2e4")
SCALE_STEPS_M = (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)

_TO_METRES = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True)


def to_metres(location: Location) -> tuple[float, float]:
    x, y = _TO_METRES.transform(location.lon, location.lat)
    return float(x), float(y)


@lru_cache(maxsize=256)
def _projected(geometry: BaseGeometry) -> BaseGeometry:
    """A WGS 84 geometry in EPSG:25833 (cached: every route sheet of a plan draws the same zones)."""

    def transform(lon_lat: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
        x, y = _TO_METRES.transform(lon_lat[:, 0], lon_lat[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, transform)


@dataclass(frozen=True)
class View:
    """The map's window onto EPSG:25833: metres from (min_x, min_y) times `scale` = points on the drawing."""

    min_x: float
    min_y: float
    width_m: float
    height_m: float
    scale: float  # points per metre

    def point(self, x: float, y: float) -> tuple[float, float]:
        return round((x - self.min_x) * self.scale, 2), round((y - self.min_y) * self.scale, 2)

    @property
    def frame(self) -> BaseGeometry:
        return box(self.min_x, self.min_y, self.min_x + self.width_m, self.min_y + self.height_m)


def fit_view(
    points: Sequence[tuple[float, float]], width: float, min_height: float, max_height: float
) -> View:
    """The points' extent with a margin, widened to a drawing `width` points wide and between `min_height`
    and `max_height` high (the aspect kept: one metre is as long across as up)."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    side = max(max(xs) - min(xs), max(ys) - min(ys))
    pad = max(side * MARGIN_SHARE, MIN_SIDE_M / 2 - side / 2, 0.0)
    min_x, max_x = min(xs) - pad, max(xs) + pad
    min_y, max_y = min(ys) - pad, max(ys) + pad
    width_m, height_m = max_x - min_x, max_y - min_y
    height = min(max(width * height_m / width_m, min_height), max_height)
    # Widen whichever side is short of the drawing's aspect, around the centre.
    if height_m / width_m < height / width:
        grown = width_m * height / width
        min_y -= (grown - height_m) / 2
        height_m = grown
    else:
        grown = height_m * width / height
        min_x -= (grown - width_m) / 2
        width_m = grown
    return View(min_x, min_y, width_m, height_m, width / width_m)


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [geometry] if not geometry.is_empty else []
    if isinstance(geometry, MultiPolygon):
        return [part for part in geometry.geoms if not part.is_empty]
    if hasattr(geometry, "geoms"):  # a clip can leave a collection of polygons, lines and points
        return [p for part in geometry.geoms for p in _polygons(part)]
    return []


def _zone_shapes(zones: Sequence[Zone], view: View) -> tuple[list[Any], list[Any]]:
    from reportlab.graphics.shapes import Path, String
    from reportlab.lib import colors

    areas: list[Any] = []
    labels: list[Any] = []
    frame = view.frame
    tolerance = view.width_m / 800  # finer than the print shows
    for index, zone in enumerate(sorted(zones, key=lambda z: z.zone_id)):
        clipped = _projected(zone.geometry).intersection(frame)
        parts = _polygons(clipped.simplify(tolerance) if not clipped.is_empty else clipped)
        if not parts:
            continue
        path = Path(
            fillColor=colors.HexColor(ZONE_FILLS[index % len(ZONE_FILLS)]),
            strokeColor=colors.HexColor("#9aa3ad"),
            strokeWidth=0.6,
            fillMode=0,  # even-odd: a zone's holes stay empty
        )
        for part in parts:
            for ring in (part.exterior, *part.interiors):
                coords = list(ring.coords)
                path.moveTo(*view.point(*coords[0]))
                for x, y in coords[1:]:
                    path.lineTo(*view.point(x, y))
                path.closePath()
        areas.append(path)
        largest = max(parts, key=lambda p: p.area)
        if largest.area >= frame.area * 0.03:  # a name only where there is room for it
            anchor = largest.representative_point()
            x, y = view.point(anchor.x, anchor.y)
            labels.append(
                String(x, y, zone.name, fontName=FONT, fontSize=7, fillColor=colors.HexColor("#6b7480"))
            )
            labels[-1].textAnchor = "middle"
    return areas, labels


def _scale_bar(view: View) -> list[Any]:
    from reportlab.graphics.shapes import Line, String
    from reportlab.lib import colors

    wanted = view.width_m / 5
    metres = max((s for s in SCALE_STEPS_M if s <= wanted), default=SCALE_STEPS_M[0])
    length = metres * view.scale
    x, y = 8.0, 8.0
    label = f"{metres // 1000} km" if metres >= 1000 else f"{metres} m"
    return [
        Line(x, y, x + length, y, strokeColor=colors.black, strokeWidth=1.2),
        Line(x, y - 2, x, y + 2, strokeColor=colors.black, strokeWidth=1.2),
        Line(x + length, y - 2, x + length, y + 2, strokeColor=colors.black, strokeWidth=1.2),
        String(x + length / 2, y + 4, label, fontName=FONT, fontSize=7, textAnchor="middle"),
    ]


def start_near(start: tuple[float, float], stops: Sequence[tuple[float, float]]) -> bool:
    """Whether the map of `stops` also shows the start: when it lies near them (START_NEAR_SHARE,
    START_NEAR_M), or within ONE_STOP_START_M of a day's only stop. Otherwise the map keeps to the day's
    district and the route leaves its edge."""
    if not stops:
        return True
    if len(set(stops)) == 1:
        return bool(np.hypot(start[0] - stops[0][0], start[1] - stops[0][1]) <= ONE_STOP_START_M)
    xs = [p[0] for p in stops]
    ys = [p[1] for p in stops]
    reach = max(max(max(xs) - min(xs), max(ys) - min(ys)) * START_NEAR_SHARE, START_NEAR_M)
    return min(xs) - reach <= start[0] <= max(xs) + reach and min(ys) - reach <= start[1] <= max(ys) + reach


def _lines(geometry: BaseGeometry) -> list[LineString]:
    if isinstance(geometry, LineString):
        return [geometry] if not geometry.is_empty else []
    if hasattr(geometry, "geoms"):
        return [line for part in geometry.geoms for line in _lines(part)]
    return []


def _start_off_map(
    start: tuple[float, float], first: tuple[float, float], view: View, width: float, height: float
) -> Any:
    """'Start (utenfor kartet)' where the leg from the start to the first stop comes in over the edge."""
    from reportlab.graphics.shapes import String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    leg = LineString([start, first]).intersection(view.frame)
    entry = min(
        (Point(c) for part in _lines(leg) for c in part.coords), key=Point(start).distance, default=None
    )
    x, y = view.point(entry.x, entry.y) if entry is not None else view.point(*first)
    text = "Start (utenfor kartet)"
    text_width = stringWidth(text, BOLD, 7)
    x = min(max(x + 4, 4.0), width - text_width - 4)
    y = min(max(y + 4, 16.0), height - 10)
    return String(x, y, text, fontName=BOLD, fontSize=7)


def route_drawing(
    start: Location | None,
    stops: Sequence[tuple[int, Location]],
    zones: Sequence[Zone],
    width: float,
    min_height: float,
    max_height: float,
) -> Any:
    """A ReportLab Drawing `width` points wide: `stops` are (number, location) in visiting order; the route
    runs from `start` through them and back to `start` (without a start: through the stops only)."""
    from reportlab.graphics.shapes import Circle, Drawing, PolyLine, Rect, String
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    start_xy = to_metres(start) if start is not None else None
    stop_xy = [(number, to_metres(location)) for number, location in stops]
    stop_points = [xy for _, xy in stop_xy]
    start_shown = start_xy is not None and start_near(start_xy, stop_points)
    points = stop_points + ([start_xy] if start_xy and start_shown else [])
    view = fit_view(points or [(597000.0, 6643000.0)], width, min_height, max_height)
    height = round(view.height_m * view.scale, 2)
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT  # else the renderer opens the drawing in Helvetica, unembedded
    drawing.add(Rect(0, 0, width, height, fillColor=colors.white, strokeColor=None))
    areas, labels = _zone_shapes(zones, view)
    for shape in areas + labels:
        drawing.add(shape)
    ends = [start_xy] if start_xy else []
    line = ends + stop_points + ends
    if len(line) >= 2:
        # Clipped to the frame: a start far from the day's district is off the map, its legs leave the edge.
        for part in _lines(LineString(line).intersection(view.frame)):
            flat = [c for x, y in part.coords for c in view.point(x, y)]
            drawing.add(PolyLine(flat, strokeColor=colors.HexColor(ROUTE_COLOUR), strokeWidth=1.6))
    if start_xy and start_shown:
        x, y = view.point(*start_xy)
        drawing.add(Rect(x - 4, y - 4, 8, 8, fillColor=colors.black, strokeColor=colors.white))
        drawing.add(String(x + 7, y - 3, "Start", fontName=BOLD, fontSize=7))
    elif start_xy and stop_points:
        drawing.add(_start_off_map(start_xy, stop_points[0], view, width, height))
    for number, xy in stop_xy:
        x, y = view.point(*xy)
        drawing.add(
            Circle(
                x, y, 7, fillColor=colors.white, strokeColor=colors.HexColor(ROUTE_COLOUR), strokeWidth=1.4
            )
        )
        drawing.add(String(x, y - 2.5, str(number), fontName=BOLD, fontSize=7, textAnchor="middle"))
    for shape in _scale_bar(view):
        drawing.add(shape)
    credit_width = stringWidth(CREDIT, FONT, 6.5)
    drawing.add(
        Rect(width - credit_width - 6, 2, credit_width + 4, 10, fillColor=colors.white, strokeColor=None)
    )
    drawing.add(String(width - 4, 4.5, CREDIT, fontName=FONT, fontSize=6.5, textAnchor="end"))
    drawing.add(Rect(0, 0, width, height, fillColor=None, strokeColor=colors.HexColor("#4a4f55")))
    return drawing

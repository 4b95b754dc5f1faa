"""The whole plan on one HTML page that works offline (UTF-8): Leaflet 1.9.4 (adapters/leaflet/, vendored
from npm) and its stylesheet are inlined, its images as data: URIs, and there is no tile server: the base
layer is the zone polygons. One layer per assessor-day: its route a line from the start through the stops
and back, one marker per stop (an SVG circle, no marker image) with the stop's number in the day's order
(as on the route sheet) and a popup naming the assessor, the date, the time and the address. An assessor
has a colour of their own and each of their days a dash pattern of its own (and another shade after the
fifth), on the line and on the rim of the day's markers, so two days of one assessor never look alike; the
layer control is the legend, a sample of each day's line beside the assessor's name and the date. It
stays open in the top right, and the map is fitted to the stops with room for it on that side, so it
covers none of them. The starts are a layer of their own. The title names the period and a short
reference of the plan (the full id is at the foot, for the CLI); what could not be planned is listed below
the map with its reason in Norwegian, not drawn.

The page counts what it drew for tests in a headless browser: `data-stops` on <body> is the number of stop
markers added, `data-routes` the number of day lines, `data-errors` the JavaScript errors seen
(window.onerror); each stop marker carries `data-assessor`, `data-date` (YYYY-MM-DD) and `data-n`."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping

from services.assessment.adapters.inspection_route_map import CREDIT
from services.assessment.adapters.inspection_stop_rows import (
    TRANSPORT_WORDS,
    assessor_of,
    kilometres,
    period_words,
    stop_rows,
)
from services.assessment.adapters.inspection_unplanned_words import unplanned_words
from services.assessment.domain.inspection_planning import InspectionPlan, plan_reference
from services.assessment.domain.municipality import Municipality
from services.assessment.domain.zones import Zone
from services.platform.written_dates import duration, written_day

LEAFLET = Path(__file__).with_name("leaflet")
# Distinct on a light base, and distinct from each other for the first ten assessors.
COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)
# A day's line among its assessor's days: solid, dashed, dotted, dash-dot, long dashes (SVG dash arrays).
DASHES = ("", "10 6", "2 5", "12 5 2 5", "18 6")
# After every len(DASHES) days the patterns come again in another shade: towards black (below 0) or white.
SHADES = (0.0, -0.35, 0.4, -0.55, 0.6)
_CSS_IMAGE = re.compile(r"url\(images/([a-z0-9-]+\.png)\)")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


@lru_cache(maxsize=1)
def _leaflet() -> tuple[str, str]:
    """Leaflet's script and stylesheet, the stylesheet's images inlined."""
    script = (LEAFLET / "leaflet.js").read_text(encoding="utf-8")

    def inline(found: re.Match[str]) -> str:
        png = (LEAFLET / "images" / found.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode('ascii')})"

    style = (LEAFLET / "leaflet.css").read_text(encoding="utf-8")
    # Its comments name browser bug trackers by address: dropped, so the page names no site it does not use.
    style = _CSS_IMAGE.sub(inline, _CSS_COMMENT.sub("", style))
    return script, style


def _script_json(value: object) -> str:
    """JSON that is safe inside <script>: <, > and & as \\u escapes, so no text can end the element or
    open an HTML comment in it (and the line separators, which old parsers take for line ends)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for character in "<>&\u2028\u2029":
        text = text.replace(character, f"\\u{ord(character):04x}")
    return text


def _zone_features(zones: Sequence[Zone]) -> dict[str, Any]:
    features = []
    for zone in sorted(zones, key=lambda z: z.zone_id):
        geometry = shapely.transform(zone.geometry, lambda xy: np.round(xy, 6))
        features.append(
            {
                "type": "Feature",
                "properties": {"zone_id": zone.zone_id, "name": zone.name},
                "geometry": mapping(geometry),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _shade(colour: str, towards: float) -> str:
    """'#1f77b4' moved `towards` black (below 0) or white (above 0), 1 being all the way."""
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    target = 255 if towards > 0 else 0
    return "#" + "".join(f"{round(c + (target - c) * abs(towards)):02x}" for c in channels)


def day_style(colour: str, index: int) -> tuple[str, str]:
    """The line colour and dash array of an assessor's `index`-th day (0 the first): the assessor's colour
    and a dash pattern per day; after len(DASHES) days the patterns come again in another shade (distinct
    for len(DASHES) × len(SHADES) days, five weeks)."""
    round_, dash = divmod(index, len(DASHES))
    return _shade(colour, SHADES[round_ % len(SHADES)]), DASHES[dash]


def _layers(plan: InspectionPlan) -> list[dict[str, Any]]:
    """One entry per assessor with days: name, colour, and each day's start, stops, figures and line
    style (colour and dash)."""
    layers: list[dict[str, Any]] = []
    order = [a.assessor_id for a in plan.assessors]
    order += sorted({r.assessor_id for r in plan.solution.days} - set(order))
    for index, assessor_id in enumerate(order):
        routes = [r for r in plan.solution.days if r.assessor_id == assessor_id]
        if not routes:
            continue
        assessor = assessor_of(plan, assessor_id)
        label = (
            f"{assessor.name} ({assessor_id}, {TRANSPORT_WORDS[assessor.transport]})"
            if assessor
            else assessor_id
        )
        colour = COLOURS[index % len(COLOURS)]
        days = []
        for number, route in enumerate(sorted(routes, key=lambda r: r.day)):
            rows = stop_rows(plan, route)
            line, dash = day_style(colour, number)
            days.append(
                {
                    "day": written_day(route.day),
                    "date": route.day.isoformat(),
                    "colour": line,
                    "dash": dash,
                    "summary": (
                        f"{written_day(route.day)}: {len(route.stops)} befaringer, "
                        f"{kilometres(route.distance_km)}, reisetid {duration(route.travel_minutes)}"
                    ),
                    "start": [assessor.start.lat, assessor.start.lon] if assessor else None,
                    "stops": [
                        {
                            "n": r.number,
                            "id": r.property_id,
                            "address": r.address,
                            "time": r.times,
                            "window": r.window_text or "ikke varslet",
                            "purpose": r.purpose,
                            "at": [r.location.lat, r.location.lon],
                        }
                        for r in rows
                        if r.location is not None
                    ],
                }
            )
        layers.append({"id": assessor_id, "label": label, "colour": colour, "days": days})
    return layers


def _summary(plan: InspectionPlan) -> str:
    solution = plan.solution
    planned = sum(len(r.stops) for r in solution.days)
    share = f" ({planned * 100 / plan.needs:.0f} %)".replace(".", ",") if plan.needs else ""
    return (
        f"Periode: {written_day(plan.first_day)} – {written_day(plan.last_day)}. "
        f"Planlagt: {planned} av {plan.needs} behov{share}, {len(solution.unplanned)} ikke planlagt. "
        f"Samlet reiseavstand {kilometres(solution.total_distance_km)} "
        f"(de samme befaringene i eiendomsrekkefølge: {kilometres(solution.naive_distance_km)})."
    )


def _unplanned(plan: InspectionPlan) -> str:
    if not plan.solution.unplanned:
        return "<p>Alle behov i planen fikk en dag.</p>"
    rows = []
    for item in plan.solution.unplanned:
        visit = plan.visits.get(item.property_id)
        address = visit.need.address if visit else ""
        rows.append(
            f"<tr><td>{escape(item.property_id)}</td><td>{escape(address)}</td>"
            f"<td>{escape(unplanned_words(item.reason))}</td></tr>"
        )
    return (
        "<table><thead><tr><th>Eiendom</th><th>Adresse</th><th>Årsak</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


PAGE_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 18px 0 6px; }
#map { height: 640px; border: 1px solid #888; background: #fff; }
.zone-label { background: transparent; border: none; box-shadow: none; color: #5b6470; font-size: 11px; }
.credit { font-size: 12px; color: #555; margin: 4px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -1px; }
.line-swatch { margin-right: 4px; vertical-align: middle; }
.legend-assessor { font-weight: bold; }
.plan-id { font-size: 11px; color: #666; }
table { border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 3px 10px 3px 0; border-bottom: 1px solid #ddd; vertical-align: top; }
.leaflet-popup-content dl { margin: 0; }
.leaflet-popup-content dt { font-weight: bold; }
.leaflet-popup-content dd { margin: 0 0 4px; }
.leaflet-popup-content h3 { font-size: 13px; margin: 0 0 6px; }
.stop-marker { background: transparent; border: none; }
.stop-marker svg { display: block; overflow: visible; }
.stop-marker text { font: bold 11px "DejaVu Sans", Arial, sans-serif; fill: #111; }
.leaflet-control-layers-expanded { max-height: 600px; overflow-y: auto; }
"""

# Builds the map from PLAN and ZONES; every text goes in as a text node (textContent), never as markup.
PAGE_SCRIPT = """
(function () {
  // Zoom in quarter steps: the stops fill the map (whole steps leave up to half of it empty).
  var map = L.map("map", { attributionControl: true, preferCanvas: false, zoomSnap: 0.25 });
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution(CREDIT);
  function text(tag, value, className) {
    var element = document.createElement(tag);
    element.textContent = value;
    if (className) { element.className = className; }
    return element;
  }
  function label(name, colour) {
    var span = document.createElement("span");
    if (colour) {
      var swatch = text("span", "", "swatch");
      swatch.style.background = colour;
      span.appendChild(swatch);
    }
    span.appendChild(document.createTextNode(name));
    return span.outerHTML;
  }
  function dayLabel(assessor, day) {
    // A sample of the day's line (its colour and dashes) before the assessor's name and the date.
    var svgNs = "http://www.w3.org/2000/svg";
    var span = document.createElement("span");
    var svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("width", "34");
    svg.setAttribute("height", "10");
    svg.setAttribute("class", "line-swatch");
    var sample = document.createElementNS(svgNs, "line");
    [["x1", "1"], ["y1", "5"], ["x2", "33"], ["y2", "5"], ["stroke", day.colour], ["stroke-width", "3"]]
      .forEach(function (pair) { sample.setAttribute(pair[0], pair[1]); });
    if (day.dash) { sample.setAttribute("stroke-dasharray", day.dash); }
    svg.appendChild(sample);
    span.appendChild(svg);
    span.appendChild(text("span", assessor.label, "legend-assessor"));
    span.appendChild(document.createTextNode(" " + day.day + " (" + day.stops.length + ")"));
    return span.outerHTML;
  }
  function stopIcon(assessor, day, stop) {
    // A circle in the day's shade with the day's dashes on its rim, and the stop's number in it.
    var svgNs = "http://www.w3.org/2000/svg";
    var holder = document.createElement("div");
    holder.dataset.assessor = assessor.id;
    holder.dataset.date = day.date;
    holder.dataset.n = String(stop.n);
    var svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    var circle = document.createElementNS(svgNs, "circle");
    [["cx", "12"], ["cy", "12"], ["r", "10"], ["fill", "#ffffff"], ["stroke", day.colour],
     ["stroke-width", "3"], ["class", "stop-rim"]]
      .forEach(function (pair) { circle.setAttribute(pair[0], pair[1]); });
    if (day.dash) {  // the line's pattern, smaller: a rim of 63 px shows several of its dashes
      circle.setAttribute("stroke-dasharray", day.dash.split(" ").map(function (n) {
        return String(Math.max(1, Math.round(Number(n) * 0.6)));
      }).join(" "));
    }
    var tint = document.createElementNS(svgNs, "circle");  // the day's shade, light: the number reads on it
    [["cx", "12"], ["cy", "12"], ["r", "8.5"], ["fill", day.colour], ["fill-opacity", "0.22"]]
      .forEach(function (pair) { tint.setAttribute(pair[0], pair[1]); });
    var number = document.createElementNS(svgNs, "text");
    [["x", "12"], ["y", "16"], ["text-anchor", "middle"]]
      .forEach(function (pair) { number.setAttribute(pair[0], pair[1]); });
    number.textContent = String(stop.n);
    svg.appendChild(circle);
    svg.appendChild(tint);
    svg.appendChild(number);
    holder.appendChild(svg);
    return holder;
  }
  var zones = L.geoJSON(ZONES, {
    interactive: false,
    style: { color: "#8a939e", weight: 1, fillColor: "#e8ecef", fillOpacity: 0.55 },
    onEachFeature: function (feature, layer) {
      layer.bindTooltip(text("span", feature.properties.name), {
        permanent: true, direction: "center", className: "zone-label", interactive: false
      });
    }
  }).addTo(map);
  var overlays = {};
  overlays[label("Soner", null)] = zones;
  var startsLayer = L.layerGroup();
  var bounds = L.latLngBounds([]);
  var markers = 0;
  var routes = 0;
  PLAN.forEach(function (assessor) {
    var starts = {};
    assessor.days.forEach(function (day) {
      var group = L.layerGroup();
      if (day.start && !starts[day.start.join()]) {
        starts[day.start.join()] = true;
        L.circleMarker(day.start, {
          radius: 5, color: "#000000", weight: 2, fillColor: "#ffffff", fillOpacity: 1,
          className: "start-marker"
        }).bindTooltip(text("span", "Start: " + assessor.label)).addTo(startsLayer);
        bounds.extend(day.start);
      }
      var line = day.stops.map(function (stop) { return stop.at; });
      if (day.start) { line = [day.start].concat(line, [day.start]); }
      if (line.length > 1) {
        L.polyline(line, {
          color: day.colour, weight: 3, opacity: 0.85, dashArray: day.dash || null, className: "route-line"
        }).bindTooltip(text("span", assessor.label + ", " + day.summary)).addTo(group);
        routes += 1;
      }
      day.stops.forEach(function (stop) {
        var popup = document.createElement("div");
        popup.appendChild(text("h3", stop.n + ". " + stop.address));
        var facts = document.createElement("dl");
        [["Taksator", assessor.label], ["Dag", day.day], ["Tid på stedet", stop.time],
         ["Varslet tid", stop.window], ["Adresse", stop.address], ["Eiendom", stop.id],
         ["Formål", stop.purpose]].forEach(function (pair) {
          facts.appendChild(text("dt", pair[0]));
          facts.appendChild(text("dd", pair[1]));
        });
        popup.appendChild(facts);
        L.marker(stop.at, {
          icon: L.divIcon({
            html: stopIcon(assessor, day, stop), className: "stop-marker",
            iconSize: [24, 24], iconAnchor: [12, 12], popupAnchor: [0, -10], tooltipAnchor: [12, 0]
          })
        }).bindPopup(popup).bindTooltip(text("span", day.day + ", " + stop.n + ". " + stop.address))
          .addTo(group);
        bounds.extend(stop.at);
        markers += 1;
      });
      group.addTo(map);
      overlays[dayLabel(assessor, day)] = group;
    });
  });
  startsLayer.addTo(map);
  overlays[label("Startsteder", null)] = startsLayer;
  var legend = L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);
  L.control.scale({ metric: true, imperial: false }).addTo(map);
  if (bounds.isValid()) {
    // The legend stays open in the top right: the stops are fitted beside it, never under it (at most
    // half the map's width kept for it, so a narrow window still shows the route).
    var size = map.getSize();
    var box = legend.getContainer();
    var right = Math.min(box.offsetWidth + 20, size.x / 2);
    map.fitBounds(bounds, { paddingTopLeft: [30, 30], paddingBottomRight: [right, 30] });
  } else if (zones.getBounds().isValid()) {
    map.fitBounds(zones.getBounds());
  } else {
    map.setView([59.91, 10.75], 11);
  }
  document.body.dataset.stops = String(markers);
  document.body.dataset.routes = String(routes);
})();
"""

ERROR_WATCH = """
window.onerror = function (message, source, line) {
  var seen = document.body ? (document.body.dataset.errors || "") : "";
  var entry = String(message) + " (line " + line + ")";
  if (document.body) { document.body.dataset.errors = seen ? seen + " | " + entry : entry; }
  else { window.pageErrors = (window.pageErrors || []).concat([entry]); }
};
"""


def plan_map_html(plan: InspectionPlan, zones: Sequence[Zone], municipality: Municipality) -> bytes:
    script, style = _leaflet()
    title = (
        f"Befaringsplan {period_words(plan.first_day, plan.last_day)} "
        f"(ref. {plan_reference(plan.plan_id)}, versjon {plan.version})"
    )
    data = (
        f"var PLAN = {_script_json(_layers(plan))};\n"
        f"var ZONES = {_script_json(_zone_features(zones))};\n"
        f"var CREDIT = {_script_json(CREDIT)};\n"
    )
    page = f"""<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<script>{ERROR_WATCH}</script>
<style>
{style}
</style>
<style>{PAGE_STYLE}</style>
</head>
<body data-stops="0" data-routes="0" data-errors="">
<script>if (window.pageErrors) {{ document.body.dataset.errors = window.pageErrors.join(" | "); }}</script>
<h1>{escape(title)}</h1>
<p>{escape(municipality.name)}. {escape(_summary(plan))}</p>
<div id="map"></div>
<p class="credit">{escape(CREDIT)} (ODbL). Kartbibliotek: Leaflet 1.9.4 (BSD-2-Clause).</p>
<h2>Ikke planlagt ({len(plan.solution.unplanned)})</h2>
{_unplanned(plan)}
<p class="plan-id">Planens id: {escape(plan.plan_id)}</p>
<script>
{script}
</script>
<script>
{data}{PAGE_SCRIPT}
</script>
</body>
</html>
"""
    return page.encode("utf-8")

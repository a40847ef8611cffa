"""What our own map scripts need from settings.LEAFLET_CONFIG (centre, zoom, tiles).

Pages hand it to the browser with ``json_script`` under ``MAP_CONFIG_ID``, so the
tile server and its attribution are configured in one place (MAP_TILE_URL …) and
never written into JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.utils.encoding import force_str

MAP_CONFIG_ID = "map-config"


def map_config() -> dict[str, Any]:
    leaflet = settings.LEAFLET_CONFIG
    lat, lng = leaflet["DEFAULT_CENTER"]
    return {
        "center": [lat, lng],
        "zoom": leaflet["DEFAULT_ZOOM"],
        "minZoom": leaflet.get("MIN_ZOOM"),
        "maxZoom": leaflet.get("MAX_ZOOM"),
        "tiles": [
            {"name": force_str(name), "url": url, "options": dict(options)}
            for name, url, options in leaflet["TILES"]
        ],
        # Leaflet guesses its marker images' folder from leaflet.css's URL, which fails
        # once collectstatic has fingerprinted the names; so name them exactly.
        "markerIcon": {
            "iconUrl": static("leaflet/images/marker-icon.png"),
            "iconRetinaUrl": static("leaflet/images/marker-icon-2x.png"),
            "shadowUrl": static("leaflet/images/marker-shadow.png"),
        },
    }

// A Leaflet map over the district boundaries (GET /api/districts/boundaries), so it works with no internet and
// no WebGL; an online tile layer only when the service sets CONSOLE_TILE_URL (a <meta> in the page).
import { useEffect, useRef } from 'react';
import L from 'leaflet';
import type { FeatureCollection } from 'geojson';
import { request } from '../api/http';

export interface MapPoint {
  id: number;
  lat: number;
  lon: number;
  label: string;
  color?: string;
  href?: string;
}

let boundaries: Promise<FeatureCollection> | null = null;
function loadBoundaries(): Promise<FeatureCollection> {
  boundaries ??= request<FeatureCollection>('GET', '/api/districts/boundaries?level=district').catch((e) => {
    boundaries = null;
    throw e;
  });
  return boundaries;
}

function tileUrl(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="hazardline-tile-url"]')?.content ?? '';
}

export function MapView({ points = [], highlight = [], label, testId, onSelect }: {
  points?: MapPoint[];
  /** P-codes (province or district) to fill: a team's coverage. */
  highlight?: string[];
  label: string;
  testId?: string;
  onSelect?: (id: number) => void;
}) {
  const el = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const base = useRef<L.GeoJSON | null>(null);
  const markers = useRef<L.LayerGroup | null>(null);
  const fitted = useRef(false);
  const hl = useRef<string[]>(highlight);
  hl.current = highlight;

  useEffect(() => {
    if (!el.current) return;
    // No zoom animation: a page left mid-animation would otherwise run Leaflet's frame on a removed map.
    const m = L.map(el.current, { center: [13.4, 103.5], zoom: 7, attributionControl: Boolean(tileUrl()), zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false });
    map.current = m;
    const url = tileUrl();
    if (url) L.tileLayer(url, { maxZoom: 18, attribution: 'Map tiles' }).addTo(m);
    markers.current = L.layerGroup().addTo(m);
    let alive = true;
    loadBoundaries().then(
      (fc) => {
        if (!alive) return;
        base.current = L.geoJSON(fc, { style: (f) => styleFor(f?.properties as Props | undefined, hl.current) })
          .bindTooltip((layer) => {
            const p = (layer as L.Layer & { feature?: { properties?: Props } }).feature?.properties;
            return p ? `${p.name}${p.nameLocal ? ` · ${p.nameLocal}` : ''} (${p.pcode})` : '';
          })
          .addTo(m);
        base.current.bringToBack();
        if (!fitted.current && fc.features.length) m.fitBounds(base.current.getBounds(), { padding: [8, 8], animate: false });
      },
      () => {},
    );
    return () => {
      alive = false;
      m.remove();
      map.current = null;
    };
  }, []);

  useEffect(() => {
    base.current?.setStyle((f) => styleFor(f?.properties as Props | undefined, highlight));
  }, [highlight]);

  useEffect(() => {
    const group = markers.current;
    if (!group) return;
    group.clearLayers();
    for (const p of points) {
      const marker = L.circleMarker([p.lat, p.lon], { radius: 8, color: '#222', weight: 1.5, fillColor: p.color ?? '#c0392b', fillOpacity: 0.9 });
      marker.bindTooltip(p.label);
      if (onSelect) marker.on('click', () => onSelect(p.id));
      group.addLayer(marker);
    }
    if (points.length && map.current) {
      fitted.current = true;
      map.current.fitBounds(L.latLngBounds(points.map((p) => [p.lat, p.lon] as [number, number])).pad(0.3), { maxZoom: 11, animate: false });
    }
  }, [points, onSelect]);

  return <div ref={el} className="map" role="region" aria-label={label} data-testid={testId} />;
}

interface Props {
  pcode: string;
  name: string;
  nameLocal?: string | null;
  level?: string;
}

function styleFor(p: Props | undefined, highlight: string[]): L.PathOptions {
  const on = p && highlight.some((h) => p.pcode === h || p.pcode.startsWith(h));
  return { color: '#40566b', weight: 1, fillColor: on ? '#1f7a4d' : '#dfe7ee', fillOpacity: on ? 0.55 : 0.5 };
}

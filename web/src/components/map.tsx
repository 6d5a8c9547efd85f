// A Leaflet map over the district boundaries (GET /api/districts/boundaries), so it works with no internet and
// no WebGL; an online tile layer only when the service sets CONSOLE_TILE_URL (a <meta> in the page).
import { useEffect, useRef, useState } from 'react';
import L from 'leaflet';
import type { FeatureCollection } from 'geojson';
import { request } from '../api/http';

export interface MapPoint {
  id: number;
  /** A GPS fix; without one the point sits inside its district's boundary (pcode). */
  lat?: number | null;
  lon?: number | null;
  pcode?: string | null;
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
  // Where a point without coordinates goes: the centre of its district's boundary, once loaded.
  const [centres, setCentres] = useState<Map<string, L.LatLng>>(new Map());
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
        const found = new Map<string, L.LatLng>();
        base.current.eachLayer((layer) => {
          const p = (layer as L.Layer & { feature?: { properties?: Props } }).feature?.properties;
          if (p && 'getBounds' in layer) found.set(p.pcode, (layer as L.Polygon).getBounds().getCenter());
        });
        setCentres(found);
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
    const placed: [number, number][] = [];
    const perDistrict = new Map<string, number>();
    for (const p of points) {
      const nth = p.pcode ? (perDistrict.get(p.pcode) ?? 0) : 0;
      if (p.pcode) perDistrict.set(p.pcode, nth + 1);
      const at = positionOf(p, centres, nth);
      if (!at) continue;
      placed.push(at);
      const marker = L.circleMarker(at, { radius: 8, color: '#222', weight: 1.5, fillColor: p.color ?? '#c0392b', fillOpacity: 0.9 });
      marker.bindTooltip(p.label);
      if (onSelect) marker.on('click', () => onSelect(p.id));
      group.addLayer(marker);
    }
    if (placed.length && map.current) {
      fitted.current = true;
      map.current.fitBounds(L.latLngBounds(placed).pad(0.3), { maxZoom: 11, animate: false });
    }
  }, [points, onSelect, centres]);

  return <div ref={el} className="map" role="region" aria-label={label} data-testid={testId} />;
}

/** A GPS fix, else near its district's centre: reports of one district fan out on a small spiral so each stays clickable. */
function positionOf(p: MapPoint, centres: Map<string, L.LatLng>, nth: number): [number, number] | null {
  if (typeof p.lat === 'number' && typeof p.lon === 'number') return [p.lat, p.lon];
  const c = p.pcode ? centres.get(p.pcode) : undefined;
  if (!c) return null;
  const angle = nth * 2.39996;
  const r = 0.012 * Math.sqrt(nth);
  return [c.lat + r * Math.sin(angle), c.lng + r * Math.cos(angle)];
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

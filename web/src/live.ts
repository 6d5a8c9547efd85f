// Live updates from GET /api/events (Server-Sent Events). EventSource reconnects by itself (sending
// Last-Event-ID); the console shows whether the stream is open.
import { useEffect, useRef, useState } from 'react';

export interface ReportEvent {
  id: number;
  kind: 'created' | 'updated';
  status: string;
  priority: string;
  districtPcode: string | null;
  at: string;
}

export function useLiveEvents(handlers: { report?: (e: ReportEvent) => void; outbox?: (e: unknown) => void }): boolean {
  const [connected, setConnected] = useState(false);
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const source = new EventSource('/api/events', { withCredentials: true });
    source.onopen = () => setConnected(true);
    source.onerror = () => setConnected(source.readyState === EventSource.OPEN);
    const parse = (e: MessageEvent<string>) => {
      try {
        return JSON.parse(e.data) as unknown;
      } catch {
        return null;
      }
    };
    source.addEventListener('report', (e) => {
      const data = parse(e as MessageEvent<string>);
      if (data) ref.current.report?.(data as ReportEvent);
    });
    source.addEventListener('outbox', (e) => {
      const data = parse(e as MessageEvent<string>);
      if (data) ref.current.outbox?.(data);
    });
    return () => {
      source.close();
      setConnected(false);
    };
  }, []);
  return connected;
}

import { describe, expect, it } from 'vitest';
import { coalesceEvents, type LiveEvent } from '../../src/live/read-events.js';

const ev = (id: number, topic: 'report' | 'outbox', refId: number, kind: string, status = 'received'): LiveEvent => ({
  id, topic, province: '01', data: { id: refId, kind, status },
});

describe('coalescing a batch of live events', () => {
  it('when a report is created and changed several times in one batch, then one event is sent: the last id, kind created', () => {
    const out = coalesceEvents([ev(1, 'report', 7, 'created'), ev(2, 'outbox', 7, 'updated', 'sending'), ev(3, 'report', 7, 'updated', 'dispatched'), ev(4, 'report', 8, 'updated')]);

    expect(out.map((e) => [e.id, e.topic, e.data])).toEqual([
      [2, 'outbox', { id: 7, kind: 'updated', status: 'sending' }],
      [3, 'report', { id: 7, kind: 'created', status: 'dispatched' }],
      [4, 'report', { id: 8, kind: 'updated', status: 'received' }],
    ]);
  });

  it('when a row was deleted since (no data), then nothing is sent for it', () => {
    expect(coalesceEvents([{ id: 5, topic: 'report', province: null, data: null }])).toEqual([]);
  });
});

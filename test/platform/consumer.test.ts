import { describe, expect, it } from 'vitest';
import { formatMessage } from '../../src/platform/consumer.js';

describe('platform consumer', () => {
  it('renders an event as time, marker, elevator, event, code, phase and floor', () => {
    const line = formatMessage({
      topic: 'elevgw/v1/gw/elevators/E1/events',
      kind: 'event',
      payload: {
        v: 1,
        id: '01JDZ7Q4X8V1N6S2K3M9T0ABCD',
        gatewayId: 'gw',
        at: '2026-11-29T03:13:20.512Z',
        clockSynced: true,
        elevator: { id: 'E1', registrationCode: '31104201002026110001', rescueCode: 'JH-1' },
        type: 'trapped',
        code: '11',
        name: '困人',
        phase: 'raised',
        severity: 'critical',
        state: { floor: '5' },
      },
    });
    expect(line).toBe('03:13:20 !! E1 (31104201002026110001) trapped 困人 [11] raised (critical) floor 5');
  });

  it('shows a payload that breaks the contract instead of crashing', () => {
    expect(formatMessage({ topic: 'x/events', kind: 'event', payload: { v: 1, type: 'nonsense' } })).toMatch(/invalid event payload on x\/events/);
  });

  it('renders a black-box follow-up as what it completes, not as a new fault', () => {
    const line = formatMessage({
      topic: 'elevgw/v1/gw/elevators/E1/events',
      kind: 'event',
      payload: {
        v: 1,
        id: '01JDZ7Q4X8V1N6S2K3M9T0ABCE',
        gatewayId: 'gw',
        at: '2026-11-29T03:13:20.512Z',
        clockSynced: true,
        elevator: { id: 'E1', registrationCode: '31104201002026110001', rescueCode: 'JH-1' },
        type: 'blackbox',
        phase: 'instant',
        severity: 'critical',
        data: { for: 'trapped', part: 'after', spanMs: 1000, complete: true },
        blackbox: { columns: ['dtMs'], rows: [[500], [1000]] },
      },
    });
    expect(line).toBe('03:13:20    E1 (31104201002026110001) black box: 2 snapshots after trapped');
  });
});

import { describe, expect, it } from 'vitest';
import { CATALOGUE, eventName, platformCode, serviceModeCode } from '../../src/detect/catalogue.js';
import { buildRules } from '../../src/detect/rules/index.js';
import { EVENT_TYPES } from '../../src/contract/enums.js';
import { ruleContext } from './scenario.js';

describe('catalogue', () => {
  it('names every event type', () => {
    for (const type of EVENT_TYPES) expect(eventName(type)).toMatch(/\S/);
    expect(eventName('trapped')).toBe('困人');
  });

  it('maps the GB/T 24476 fault codes 01..11 and event codes', () => {
    expect(platformCode('safety-circuit-open')).toBe('01');
    expect(platformCode('stopped-outside-zone')).toBe('04');
    expect(platformCode('moving-with-door-open')).toBe('05');
    expect(platformCode('trapped')).toBe('11');
    expect(platformCode('door-close-fault')).toBe('02');
    expect(platformCode('door-open-fault')).toBe('03');
    expect(platformCode('run-time-exceeded')).toBe('06');
    expect(platformCode('floor-position-lost')).toBe('07');
    expect(platformCode('service-mode', { mode: 'emergency-power' })).toBe('46');
    expect(platformCode('service-mode', { mode: 'inspection' })).toBe('43');
    expect(platformCode('blackbox')).toBeUndefined();
    expect(platformCode('power-loss')).toBe('41');
    expect(platformCode('maintenance-session')).toBe('43');
    expect(platformCode('alarm-pressed')).toBe('90');
    expect(platformCode('sensor-lost')).toBeUndefined();
    expect(platformCode('service-mode', { mode: 'fire-recall' })).toBe('44');
    expect(platformCode('service-mode', { mode: 'normal' })).toBe('40');
    expect(platformCode('service-mode')).toBeUndefined();
    expect(serviceModeCode('unknown')).toBe(7);
  });

  it('uses each fault code once', () => {
    const codes = Object.values(CATALOGUE).flatMap((e) => (e.code ? [e.code] : []));
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('has a rule for every elevator event type of the catalogue', () => {
    const ruled = new Set(buildRules(ruleContext()).map((r) => r.type));
    // early-warning: the health indicators' (src/detect/health); commissioning: `elevgw commission`'s summary — not a rule's.
    const notRules = ['blackbox', 'gateway-started', 'outbox-loss', 'upgrade', 'early-warning', 'commissioning'];
    expect(EVENT_TYPES.filter((t) => !ruled.has(t) && !notRules.includes(t))).toEqual([]);
  });
});

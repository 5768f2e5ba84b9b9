import { describe, expect, it } from 'vitest';
import { platformCode } from '../../src/detect/catalogue.js';
import { ServiceModeRule } from '../../src/detect/rules/service-mode.js';
import { phases, ruleContext, Scenario, signals } from './scenario.js';

describe('service-mode (服务模式)', () => {
  const serviceMode = (start = {}, available?: Parameters<typeof ruleContext>[1]) => new Scenario(new ServiceModeRule(ruleContext({}, available)), start);

  it('given inspection switched on and off, then two instant events: inspection (2, event 43), back to normal (1, event 40)', () => {
    const sc = serviceMode();
    sc.run(5_000);
    sc.set({ inspection: true }).run(60_000);
    sc.set({ inspection: false }).run(5_000);
    expect(phases(sc.events)).toEqual(['instant@7000', 'instant@67000']);
    expect(sc.events.map((e) => e.data)).toMatchObject([
      { mode: 'inspection', code: 2, previous: 'normal' },
      { mode: 'normal', code: 1, previous: 'inspection' },
    ]);
    expect(sc.events.map((e) => platformCode(e.type, e.data))).toEqual(['43', '40']);
    expect(sc.events[0]!.severity).toBe('info');
  });

  it('given mains lost, then the mode is emergency power (5, event 46) until it returns', () => {
    const sc = serviceMode();
    sc.run(3_000);
    sc.set({ mainsPower: false }).run(10_000);
    sc.set({ mainsPower: true }).run(3_000);
    expect(sc.events.map((e) => [e.mono, e.data?.mode, e.data?.code])).toEqual([
      [5_000, 'emergency-power', 5],
      [15_000, 'normal', 1],
    ]);
  });

  it('reports the mode found at start only when it is not normal', () => {
    expect(serviceMode().run(10_000)).toEqual([]);
    const sc = serviceMode({ inspection: true });
    sc.run(10_000);
    expect(sc.events.map((e) => e.data)).toMatchObject([{ mode: 'inspection', previous: null }]);
  });

  it('near miss: a 1 s bounce of the switch and unreadable inputs change nothing', () => {
    const sc = serviceMode();
    sc.run(3_000);
    sc.set({ inspection: true }).run(1_000);
    sc.set({ inspection: false }).run(3_000);
    sc.run(30_000, ['inspection', 'mainsPower']);
    sc.glitch({ mainsPower: false });
    sc.run(3_000);
    expect(sc.events).toEqual([]);
  });

  it('is armed by either input', () => {
    expect(new ServiceModeRule(ruleContext({}, ['mainsPower'])).needs).toEqual(['mainsPower']);
    expect(new ServiceModeRule(ruleContext({}, ['inspection', 'mainsPower'])).needs).toEqual(['inspection']);
    // A UPS board: mains only, no inspection contact at all.
    const rule = new ServiceModeRule(ruleContext({}, ['mainsPower']));
    const events = [0, 1_000, 2_000].flatMap((t) => rule.step(signals({ mainsPower: false }, t), t));
    expect(events.map((e) => e.data?.mode)).toEqual(['emergency-power']);
  });
});

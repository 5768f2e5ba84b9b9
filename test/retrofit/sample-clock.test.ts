import { describe, expect, it } from 'vitest';
import { SampleClock } from '../../drivers/retrofit/sample-clock.js';

/**
 * The times given to an accelerometer's FIFO samples: spaced by the sensor's period, locked
 * gently to the read times. The fusion integrates acceleration over these times, so a sample
 * placed a few milliseconds off is a speed and position error on the platform's map.
 */
describe('sample clock', () => {
  it('the first read: the samples end at the read time, a period apart, moved back by the delay', () => {
    expect(new SampleClock(10).stamp(3, 100)).toEqual([80, 90, 100]);
    expect(new SampleClock(10, 5).stamp(3, 100)).toEqual([75, 85, 95]);
    expect(new SampleClock(10).stamp(0, 100)).toEqual([]);
  });

  it('a read on time continues the sequence exactly', () => {
    const c = new SampleClock(10);
    c.stamp(3, 100);
    expect(c.stamp(3, 130)).toEqual([110, 120, 130]);
  });

  it('a read late or early by less than three periods nudges the sequence a tenth of the way, at most 5 % of a period', () => {
    const late = new SampleClock(10);
    late.stamp(3, 100);
    expect(late.stamp(3, 134)).toEqual([110.4, 120.4, 130.4]);
    const early = new SampleClock(10);
    early.stamp(3, 100);
    expect(early.stamp(3, 126)).toEqual([109.6, 119.6, 129.6]);
    const far = new SampleClock(10);
    far.stamp(3, 100);
    expect(far.stamp(3, 160)).toEqual([110.5, 120.5, 130.5]); // 30 ms = three periods: still a nudge, clamped
  });

  it('more than three periods off: samples were lost, the sequence starts again at the read time', () => {
    const c = new SampleClock(10);
    c.stamp(3, 100);
    expect(c.stamp(3, 161)).toEqual([141, 151, 161]);
    expect(c.stamp(2, 181)).toEqual([171, 181]);
  });

  it('restart(): the next read starts a new sequence', () => {
    const c = new SampleClock(10);
    c.stamp(3, 100);
    c.restart();
    expect(c.stamp(2, 131)).toEqual([121, 131]);
  });
});

import { describe, expect, it } from 'vitest';
import { BusQueue } from '../../drivers/kernel/bus-queue.js';

/** A task the test finishes by hand, recording when it started. */
function gate(log: string[], name: string) {
  let finish!: (v: string) => void;
  let fail!: (e: Error) => void;
  const task = () => {
    log.push(`start ${name}`);
    return new Promise<string>((resolve, reject) => {
      finish = (v) => {
        log.push(`end ${name}`);
        resolve(v);
      };
      fail = reject;
    });
  };
  return { task, finish: (v: string) => finish(v), fail: (e: Error) => fail(e) };
}

const settle = () => new Promise((r) => setImmediate(r));

/** One transaction at a time on a bus, whoever asks: the order, the errors, the count. */
describe('BusQueue', () => {
  it('runs one task at a time, in the order they were asked for, each getting its own result', async () => {
    const q = new BusQueue();
    const log: string[] = [];
    const [a, b, c] = [gate(log, 'a'), gate(log, 'b'), gate(log, 'c')];
    const results = [q.run(a.task), q.run(b.task), q.run(c.task)];
    expect(q.pending).toBe(3);
    await settle();
    expect(log).toEqual(['start a']);
    a.finish('A');
    await settle();
    expect(log).toEqual(['start a', 'end a', 'start b']);
    b.finish('B');
    await settle();
    c.finish('C');
    expect(await Promise.all(results)).toEqual(['A', 'B', 'C']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(q.pending).toBe(0);
  });

  it('hands a failure to its own caller and goes on with the next task, also after a task that throws at once', async () => {
    const q = new BusQueue();
    const log: string[] = [];
    const a = gate(log, 'a');
    const failed = q.run(a.task);
    const threw = q.run(() => {
      throw new Error('no port');
    });
    const after = q.run(async () => 'still runs');
    a.fail(new Error('timeout'));
    await expect(failed).rejects.toThrow('timeout');
    await expect(threw).rejects.toThrow('no port');
    expect(await after).toBe('still runs');
    expect(q.pending).toBe(0);
  });

  it('starts a task at once when the bus is free, and again after it fell idle', async () => {
    const q = new BusQueue();
    const log: string[] = [];
    void q.run(async () => log.push('first'));
    expect(log).toEqual(['first']);
    await settle();
    void q.run(async () => log.push('second'));
    expect(log).toEqual(['first', 'second']);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { HealthRecorder, initialHealth, REPEAT_QUIET_MS } from '../../drivers/kernel/health.js';
import { FakeClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/log.js';

/**
 * The health every driver reports (`elevgw health`, the diag socket, the gateway's status) and
 * the journal lines it writes: what a technician reads when a board misbehaves.
 */

type Line = { level: number; msg: string; code?: string; repeats?: number; port?: string };
let lines: Line[];
let clock: FakeClock;
let h: HealthRecorder;
const about = { port: '/dev/ttyBOX', board: 'serial-sensorbox' };
const said = () => lines.map((l) => `${l.level === 40 ? 'warn' : l.level === 30 ? 'info' : l.level} ${l.code ?? '-'} ${l.msg}${l.repeats ? ` (repeats ${l.repeats})` : ''}`);

beforeEach(() => {
  lines = [];
  clock = new FakeClock(5000);
  h = new HealthRecorder(createLogger({ destination: { write: (l: string) => lines.push(JSON.parse(l) as Line) } }), about, clock);
});

describe('driver health', () => {
  it('starts lost with the link closed and nothing counted', () => {
    expect(h.get()).toEqual({ state: 'lost', link: 'closed', transactions: 0, failures: 0, consecutiveFailures: 0, errorsByCode: {}, skippedPolls: 0 });
    expect(initialHealth()).toEqual(h.get());
    expect([h.state, h.lastErrorCode]).toEqual(['lost', undefined]);
  });

  it('hands out copies: a reader cannot change the counts', () => {
    h.fail('SERIAL_IO', 'gone');
    const doc = h.get();
    doc.errorsByCode.SERIAL_IO = 99;
    doc.failures = 99;
    expect(h.get()).toMatchObject({ failures: 1, errorsByCode: { SERIAL_IO: 1 } });
  });

  it('a poll whose three attempts time out: three failures, one failed poll, one line', () => {
    h.ok();
    for (let i = 0; i < 3; i++) h.failedAttempt('MODBUS_TIMEOUT', `read holding@0+6: timed out (${i})`, 'degraded');
    h.failedPoll();
    expect(h.get()).toMatchObject({
      state: 'degraded',
      failures: 3,
      consecutiveFailures: 1,
      errorsByCode: { MODBUS_TIMEOUT: 3 },
      lastErrorCode: 'MODBUS_TIMEOUT',
      lastError: 'read holding@0+6: timed out (2)',
    });
    expect(said()).toEqual(['warn MODBUS_TIMEOUT read holding@0+6: timed out (0)']);
    expect(lines[0]).toMatchObject(about);
  });

  it('says when the trouble changes and when it is over, not at every failed poll', () => {
    for (let i = 0; i < 5; i++) h.fail('MODBUS_TIMEOUT', 'timed out', 'degraded');
    h.fail('MODBUS_CRC', 'bad CRC');
    h.fail('MODBUS_CRC', 'bad CRC');
    expect(h.get()).toMatchObject({ state: 'degraded', consecutiveFailures: 7, failures: 7, errorsByCode: { MODBUS_TIMEOUT: 5, MODBUS_CRC: 2 } });
    h.transaction();
    h.ok();
    expect(h.get()).toMatchObject({ state: 'ok', consecutiveFailures: 0, failures: 7, transactions: 1, lastErrorCode: 'MODBUS_CRC' });
    expect(said()).toEqual(['warn MODBUS_TIMEOUT timed out', 'warn MODBUS_CRC bad CRC', 'info - reads good again']);
    expect(lines[2]).toMatchObject(about);
    h.ok();
    expect(lines).toHaveLength(3);
  });

  it('an attempt that failed and a retry that answered: one line, no recovery line, ok again', () => {
    h.ok();
    h.failedAttempt('MODBUS_TIMEOUT', 'timed out', 'degraded');
    expect(h.state).toBe('degraded');
    h.ok();
    expect(h.get()).toMatchObject({ state: 'ok', consecutiveFailures: 0, failures: 1 });
    expect(said()).toEqual(['warn MODBUS_TIMEOUT timed out']);
  });

  it('a trouble that comes and goes: at most one line a minute, the next one counts the repeats', () => {
    // A noisy line: one bad frame a second for three minutes, good frames in between.
    for (let s = 0; s < 180; s++) {
      h.fail('FRAME_INVALID', `bad frame ${s}`);
      h.ok();
      clock.advance(1000);
    }
    expect(said()).toEqual([
      'warn FRAME_INVALID bad frame 0',
      'info - reads good again',
      'warn FRAME_INVALID bad frame 60 (repeats 59)',
      'info - reads good again',
      'warn FRAME_INVALID bad frame 120 (repeats 59)',
      'info - reads good again',
    ]);
    expect(h.get()).toMatchObject({ state: 'ok', failures: 180, errorsByCode: { FRAME_INVALID: 180 } });
  });

  it('a repeat just inside the quiet minute is counted, one at its end is logged', () => {
    h.fail('FRAME_INVALID', 'first');
    h.ok();
    clock.advance(REPEAT_QUIET_MS - 1);
    h.fail('FRAME_INVALID', 'inside');
    h.ok();
    clock.advance(1);
    h.fail('FRAME_INVALID', 'at the end');
    expect(said()).toEqual(['warn FRAME_INVALID first', 'info - reads good again', 'warn FRAME_INVALID at the end (repeats 1)']);
  });

  it('a transport lost is logged every time, however soon after the last loss', () => {
    for (let i = 0; i < 3; i++) {
      h.fail('SERIAL_IO', `lost ${i}`, 'lost');
      h.ok();
      clock.advance(1000);
    }
    expect(said().filter((l) => l.startsWith('warn'))).toEqual(['warn SERIAL_IO lost 0', 'warn SERIAL_IO lost 1', 'warn SERIAL_IO lost 2']);
  });

  it('a loss and the failed reopen attempts after it: one line, not one per attempt', () => {
    h.fail('SERIAL_IO', 'lost', 'lost');
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      h.fail('SERIAL_IO', `open: ENOENT ${i}`, 'lost');
    }
    expect(said()).toEqual(['warn SERIAL_IO lost']);
  });

  it('repeats count the times a trouble began again, not its failed attempts', () => {
    h.fail('MODBUS_TIMEOUT', 'first', 'degraded');
    h.ok();
    for (let i = 0; i < 3; i++) h.fail('MODBUS_TIMEOUT', 'again', 'degraded'); // one trouble, three polls
    h.ok();
    clock.advance(REPEAT_QUIET_MS);
    h.fail('MODBUS_TIMEOUT', 'later', 'degraded');
    expect(said().at(-1)).toBe('warn MODBUS_TIMEOUT later (repeats 1)');
  });

  it('an attempt that failed without changing the state is over with the next good poll', () => {
    h.ok();
    h.failedAttempt('MODBUS_CRC', 'bad CRC'); // the state stays ok, no failed poll
    h.ok();
    clock.advance(REPEAT_QUIET_MS);
    h.failedAttempt('MODBUS_CRC', 'bad CRC again');
    expect(said()).toEqual(['warn MODBUS_CRC bad CRC', 'warn MODBUS_CRC bad CRC again']);
  });

  it('a quiet repeat during a logged trouble still ends with the recovery line', () => {
    h.fail('FRAME_INVALID', 'bad frame');
    h.ok();
    h.fail('SERIAL_STALE', 'no frame', 'degraded');
    h.fail('FRAME_INVALID', 'bad frame again'); // within the minute: counted, not logged
    h.ok();
    expect(said()).toEqual(['warn FRAME_INVALID bad frame', 'info - reads good again', 'warn SERIAL_STALE no frame', 'info - reads good again']);
  });

  it('still(): the state follows a trouble that goes on, nothing counted or logged', () => {
    h.fail('SERIAL_STALE', 'no frame', 'degraded');
    h.still('lost');
    expect(h.get()).toMatchObject({ state: 'lost', failures: 1, consecutiveFailures: 1 });
    expect(lines).toHaveLength(1);
  });

  it('counts transactions, skipped polls and the link state', () => {
    h.transaction();
    h.transaction();
    h.skipped();
    h.link('backing-off');
    expect(h.get()).toMatchObject({ transactions: 2, skippedPolls: 1, link: 'backing-off' });
  });
});

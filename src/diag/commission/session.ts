import type { CommissioningStep } from '../../contract/commissioning.js';
import type { Timer, Timers } from '../../core/clock.js';
import { formatDuration, type Lang } from '../i18n.js';
import type { FloorRow, LiveFrame } from '../live/frame.js';
import { CTRL_C } from '../live/terminal.js';
import { clip } from '../live/width.js';
import { SessionRecorder } from './recorder.js';
import type { StepOutcome } from './model.js';
import { stepTexts } from './step-texts.js';
import { type StepWatcher, watcherFor } from './steps.js';
import { commissionTexts, STEP_WORDS } from './texts.js';

export interface SessionOptions {
  steps: readonly CommissioningStep[];
  floors: readonly FloorRow[];
  stationaryMps: number;
  /** Per step, site seconds (the floors step: since the last new landing). */
  timeoutS: number;
  /** runtime.timeScale of the site: site time = real time × this. */
  timeScale: number;
  /** Real time: the status line's refresh and the session's clock. */
  timers: Timers;
  lang: Lang;
  out: { write(text: string): void; columns?: number };
  /** A terminal: the status line is redrawn in place and keys are read. */
  tty: boolean;
}

const TICK_MS = 200;
const ENTER = new Set(['\r', '\n']);
const BACKSPACE = new Set(['\x7f', '\b']);
const ESC = '\x1b';

/**
 * The checklist at the lift: for each step, says what to do, watches the live frames until the
 * step's watcher is satisfied, times out with what it saw and what is missing, or is skipped with
 * a reason the technician types (`s`, the reason, Enter). `q` or Ctrl-C aborts. The recorder sees
 * every frame of the session for the checks that follow. Frames and keys are pushed in by the
 * caller; time is the injected real-time clock scaled to site time.
 */
export class CommissionSession {
  readonly recorder: SessionRecorder;
  private readonly t;
  private readonly st;
  private readonly t0: number;
  private first?: LiveFrame;
  private firstWaiter?: () => void;
  private active?: { w: StepWatcher; step: CommissioningStep; startMs: number; finish: (o: Omit<StepOutcome, 'step' | 'startS' | 'durationS'>) => void };
  private mode: 'step' | 'reason' | 'confirm' | 'idle' = 'idle';
  private reason = '';
  private confirmWaiter?: (yes: boolean) => void;
  private abort?: () => void;
  private statusShown = false;

  constructor(private readonly o: SessionOptions) {
    this.recorder = new SessionRecorder(o.floors, o.stationaryMps);
    this.t = commissionTexts(o.lang);
    this.st = stepTexts(o.lang);
    this.t0 = o.timers.now();
  }

  /** Site milliseconds since the session began. */
  siteMs(): number {
    return (this.o.timers.now() - this.t0) * this.o.timeScale;
  }

  frame(f: LiveFrame): void {
    const tMs = this.siteMs();
    const stop = this.recorder.observe(f, tMs);
    if (!this.first) {
      this.first = f;
      this.firstWaiter?.();
    }
    const a = this.active;
    if (!a) return;
    a.w.observe(f, tMs, stop);
    if (a.w.passed() && this.mode === 'step') a.finish({ result: 'pass', saw: a.w.saw() });
  }

  key(k: string): void {
    if (this.mode === 'confirm') {
      const yes = k === 'y' || k === 'Y';
      if (yes || k === 'n' || k === 'N' || ENTER.has(k) || k === ESC || k === CTRL_C) {
        this.o.out.write(`${yes ? 'y' : 'n'}\n`);
        this.mode = 'idle';
        this.confirmWaiter?.(yes);
      }
      return;
    }
    if (this.mode === 'reason') {
      this.reasonKey(k);
      return;
    }
    if (k === CTRL_C || k === 'q' || k === 'Q') this.abort?.();
    else if ((k === 's' || k === 'S') && this.mode === 'step') {
      this.clearStatus();
      this.mode = 'reason';
      this.reason = '';
      this.o.out.write(this.t.askReason());
    }
  }

  private reasonKey(k: string): void {
    const a = this.active;
    if (k === CTRL_C) {
      this.abort?.();
      return;
    }
    if (k === ESC) {
      this.o.out.write('\n');
      this.mode = 'step';
    } else if (ENTER.has(k)) {
      if (this.reason.trim() === '') return;
      this.o.out.write('\n');
      this.mode = 'step';
      a?.finish({ result: 'skipped', reason: this.reason.trim(), saw: a.w.saw() });
    } else if (BACKSPACE.has(k)) {
      if (this.reason.length === 0) return;
      this.reason = [...this.reason].slice(0, -1).join('');
      this.o.out.write('\b \b');
    } else if (k >= ' ' && !k.startsWith(ESC) && [...this.reason].length < 200) {
      this.reason += k;
      this.o.out.write(k);
    }
  }

  /** Walks every step; 'aborted' when the technician quit. */
  async run(): Promise<StepOutcome[] | 'aborted'> {
    const aborted = new Promise<'aborted'>((resolve) => (this.abort = () => resolve('aborted')));
    if (!this.first) {
      this.o.out.write(`${this.t.waiting()}\n`);
      const first = new Promise<void>((resolve) => (this.firstWaiter = resolve));
      if ((await Promise.race([first, aborted])) === 'aborted') return this.aborted();
    }
    const outcomes: StepOutcome[] = [];
    const n = this.o.steps.length;
    const landing = { top: this.o.floors.at(-1)?.label ?? '', bottom: this.o.floors[0]?.label ?? '' };
    for (const [i, step] of this.o.steps.entries()) {
      const words = STEP_WORDS[this.o.lang][step];
      this.o.out.write(`${this.t.stepHead({ i: i + 1, n, step: words.name, doing: words.doing(landing) })}\n`);
      const startMs = this.siteMs();
      const w = watcherFor(step, { floors: this.o.floors, recorder: this.recorder, t: this.st, startMs });
      const lacking = w.needs.filter((s) => !(s in this.first!.signals));
      const done = (o: Omit<StepOutcome, 'step' | 'startS' | 'durationS'>): StepOutcome => ({
        step,
        ...o,
        startS: Math.round(startMs / 100) / 10,
        durationS: Math.round((this.siteMs() - startMs) / 100) / 10,
      });
      if (lacking.length > 0) {
        this.o.out.write(`${this.t.lacks({ step: words.name, signals: lacking.join(', ') })}\n`);
        outcomes.push(done({ result: 'fail', saw: this.t.lacks({ step: words.name, signals: lacking.join(', ') }).trim() }));
        continue;
      }
      const outcome = await Promise.race([this.watch(w, step, startMs).then(done), aborted]);
      if (outcome === 'aborted') return this.aborted();
      this.report(outcome, words.name);
      outcomes.push(outcome);
    }
    this.abort = undefined;
    return outcomes;
  }

  /** Resolves when the step passes, times out or is skipped. */
  private watch(w: StepWatcher, step: CommissioningStep, startMs: number): Promise<Omit<StepOutcome, 'step' | 'startS' | 'durationS'>> {
    return new Promise((resolve) => {
      let timer: Timer | undefined;
      const finish = (o: Omit<StepOutcome, 'step' | 'startS' | 'durationS'>) => {
        if (this.active?.w !== w) return;
        timer?.cancel();
        this.active = undefined;
        this.mode = 'idle';
        this.clearStatus();
        resolve(o);
      };
      this.active = { w, step, startMs, finish };
      this.mode = 'step';
      const tick = () => {
        if (this.active?.w !== w) return; // finished, or the session was aborted
        const now = this.siteMs();
        if (this.mode === 'step' && now - w.progressAtMs > this.o.timeoutS * 1000) {
          finish({ result: 'timeout', saw: w.saw(), reason: w.why() });
          return;
        }
        if (this.mode === 'step') this.status(w, now - startMs);
        timer = this.o.timers.after(TICK_MS, tick);
      };
      tick();
    });
  }

  private report(o: StepOutcome, name: string): void {
    const t = this.t;
    if (o.result === 'pass') this.o.out.write(`${t.passed({ step: name, saw: o.saw, took: formatDuration(o.durationS * 1000, this.o.lang) })}\n`);
    else if (o.result === 'skipped') this.o.out.write(`${t.skipped({ step: name, reason: o.reason ?? '' })}\n`);
    else {
      this.o.out.write(`${t.timedOut({ step: name, after: formatDuration(this.o.timeoutS * 1000, this.o.lang), why: o.reason ?? '', saw: o.saw })}\n`);
    }
  }

  private status(w: StepWatcher, elapsedMs: number): void {
    if (!this.o.tty) return;
    const line = this.t.status({ saw: w.saw(), elapsed: formatDuration(elapsedMs, this.o.lang), timeout: formatDuration(this.o.timeoutS * 1000, this.o.lang) });
    this.o.out.write(`\r\x1b[K${clip(line, (this.o.out.columns ?? 80) - 1)}`);
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.o.out.write('\r\x1b[K');
    this.statusShown = false;
  }

  private aborted(): 'aborted' {
    this.clearStatus();
    this.active = undefined;
    this.mode = 'idle';
    this.o.out.write(`\n${this.t.aborted()}\n`);
    return 'aborted';
  }

  /** Ends the session as if the technician quit (the gateway went away). */
  cancel(): void {
    this.abort?.();
  }

  /** Asks a yes/no question on the terminal (no is the default; without a terminal, the answer is no). */
  confirm(question: string): Promise<boolean> {
    this.o.out.write(question);
    if (!this.o.tty) {
      this.o.out.write('n\n');
      return Promise.resolve(false);
    }
    this.mode = 'confirm';
    return new Promise((resolve) => (this.confirmWaiter = resolve));
  }
}

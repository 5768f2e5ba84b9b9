import { ShaftFusion } from '../src/signals/fusion/fusion.js';
import { shaftModel } from '../src/signals/fusion/shaft.js';
import { VirtualElevator } from '../src/sim/elevator.js';
import { Environment } from '../src/sim/raw-sensors/environment.js';
import { ImuModel } from '../src/sim/raw-sensors/imu.js';
import { VaneSensors } from '../src/sim/raw-sensors/vanes.js';

type Input = { kind: 0 | 1 | 2; v: number; u?: boolean; at: number };

/** Ten minutes of a car going up and down a 20-landing shaft, as the fusion's inputs: accelerometer at 50 Hz, barometer at 7.3 Hz, the Hall sensors' edges. */
function stream(): Input[] {
  const levels = Array.from({ length: 20 }, (_, i) => i * 3000);
  const car = new VirtualElevator({ floorLevelsMm: levels });
  const imu = new ImuModel();
  const env = new Environment(levels);
  const vanes = new VaneSensors(levels);
  const out: Input[] = [];
  let prev = car.state();
  vanes.move(prev.positionMm, 0);
  for (let t = 20, k = 0; t <= 600_000; t += 20, k++) {
    if (car.idle()) car.call((k * 7) % 20);
    car.step(20);
    const s = car.state();
    out.push({ kind: 0, v: imu.sample((s.speedMps - prev.speedMps) / 0.02, 20)[2], at: t });
    for (const e of vanes.move(s.positionMm, t)) {
      out.push({ kind: 2, v: 0, u: e.upper, at: e.atMs });
      out.push({ kind: 2, v: 1, u: e.lower, at: e.atMs });
    }
    if (t % 140 === 0) out.push({ kind: 1, v: env.pressurePa(s.positionMm, t), at: t });
    prev = s;
  }
  return out;
}

/** The fusion's cost per input sample and per 100 ms poll (five accelerometer samples, a conversion, the edges). */
export async function benchFusion(): Promise<Record<string, number | string>> {
  const inputs = stream();
  const levels = Array.from({ length: 20 }, (_, i) => i * 3000);
  const run = () => {
    const f = new ShaftFusion({ shaft: shaftModel(levels), accelFullScaleMps2: 19.6, staleAfterMs: 3000, startLanding: 0 });
    for (const i of inputs) {
      if (i.kind === 0) f.accel(i.v, i.at);
      else if (i.kind === 1) f.pressure(i.v, i.at);
      else f.sensor(i.v === 0 ? 'upper' : 'lower', i.u!, i.at);
    }
    return f.position(600_000).value;
  };
  run(); // warm up
  const rounds = 5;
  const t0 = performance.now();
  let sink = 0;
  for (let r = 0; r < rounds; r++) sink += run();
  const ms = performance.now() - t0;
  if (!Number.isFinite(sink)) throw new Error('fusion produced no position');
  const perSampleUs = (ms * 1000) / (rounds * inputs.length);
  const polls = (rounds * 600_000) / 100;
  return {
    'fusion µs per input sample': perSampleUs.toFixed(2),
    'fusion µs per 100 ms poll (5 accel, ~1 baro, edges)': ((ms * 1000) / polls).toFixed(1),
    'fusion CPU share of one core at 10 polls/s (%)': (ms / polls).toFixed(3),
  };
}

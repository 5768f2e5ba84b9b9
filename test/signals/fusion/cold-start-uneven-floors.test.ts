import { describe, expect, it } from 'vitest';
import { Car } from './car.js';

/**
 * A cold start on a shaft whose floors are not all alike: shaft [0, 4.5, 7.5, 10.5] m (a 4.5 m
 * lobby), levels and vanes as a learning run leaves them, a restart with the car at landing 2. Down
 * to landing 1 first: the hypothetical frame took the new lowest vane for landing 0 and moved up by
 * the table's 4.5 m, though the car came down 3 m; the vane's edge then pulled the height 1.5 m, and
 * the speed and the accelerometer's scale with it. Standing at landing 1 the speed read GOOD at
 * −0.34 m/s; identified at the top, the position read GOOD 9,535 mm at 10,500 mm, and then lost.
 * Where the table cannot say how far apart two vanes are, the frame now moves by the filter's own
 * travel, and until the landing is known an edge weighs only as much as the table can say of its height.
 */

const LOBBY = [0, 4500, 7500, 10500];

describe('cold start above a 4.5 m lobby, down first', () => {
  it('standing at each stop the speed is not reported good and wrong, and once identified the position is right', () => {
    const car = new Car({}, { coldStart: true, startMm: 7500, levels: LOBBY });
    car.stand(2000);
    for (const to of [4500, 0, 10500]) {
      car.trip(to);
      car.stand(3000);
      const v = car.f.speed(car.t);
      if (v.quality === 'good') expect(Math.abs(v.value), `speed standing at ${to} mm`).toBeLessThan(0.02);
    }
    const p = car.f.position(car.t);
    expect(car.f.status(car.t)).toMatchObject({ identified: true, landing: 3 });
    if (p.quality === 'good') expect(Math.abs(p.value - 10500), `position at 10500 mm: ${p.value}`).toBeLessThan(50);
  });
});

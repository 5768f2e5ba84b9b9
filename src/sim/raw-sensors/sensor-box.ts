import { Bmp280Device } from './bmp280-device.js';
import { Environment, type EnvironmentOptions } from './environment.js';
import { ImuModel, type ImuOptions } from './imu.js';
import { Mpu6050Device } from './mpu6050-device.js';
import { type HallEdge, type VaneOptions, VaneSensors } from './vanes.js';

export interface SensorBoxOptions {
  /** The landings' levels, mm (the vanes are mounted there). */
  levelsMm: readonly number[];
  environment?: Partial<EnvironmentOptions>;
  imu?: Partial<ImuOptions>;
  vanes?: Partial<VaneOptions>;
  /** Seeds the barometer's noise. */
  seed?: number;
  /** Where in its period the accelerometer samples, relative to whole milliseconds of simulated time (its own oscillator). */
  accelPhaseMs?: number;
}

/** What the box needs of the car at each step. */
export interface CarMotion {
  simMs: number;
  positionMm: number;
  speedMps: number;
}

/**
 * The retrofit sensor box on the simulated car: a BMP280 and an MPU-6050 at register level, fed
 * from the car's kinematics and the day's air (`Environment`), and the Hall sensors at the vanes.
 * `observe` is called after each step of the elevator (≤ 10 ms); each chip samples at the rate
 * the driver configured it to, and only once it has (a chip still asleep produces nothing).
 */
export class SimSensorBox {
  readonly env: Environment;
  readonly imu: ImuModel;
  readonly vanes: VaneSensors;
  readonly barometer: Bmp280Device;
  readonly accelerometer: Mpu6050Device;
  private last: CarMotion | undefined;
  /** The time and speed of the last accelerometer sample. */
  private fromMs: number | undefined;
  private fromSpeed = 0;
  private readonly axes: [number, number, number] = [0, 0, 0];
  private readonly phaseMs: number;
  private nextAccelMs = 0;
  private nextBaroMs = 0;

  constructor(o: SensorBoxOptions) {
    this.env = new Environment(o.levelsMm, o.environment);
    this.imu = new ImuModel(o.imu);
    this.vanes = new VaneSensors(o.levelsMm, o.vanes);
    this.barometer = new Bmp280Device(undefined, o.seed ?? 3);
    this.accelerometer = new Mpu6050Device();
    this.phaseMs = o.accelPhaseMs ?? 7.3;
  }

  /** The car after a step: the chips sample what is due, the Hall sensors report what they crossed. */
  observe(car: CarMotion): readonly HallEdge[] {
    const t = car.simMs;
    const prev = this.last;
    const accelPeriod = this.accelerometer.periodMs();
    if (accelPeriod === undefined || this.fromMs === undefined || prev === undefined) {
      this.nextAccelMs = Math.ceil(t / (accelPeriod ?? 20)) * (accelPeriod ?? 20) + this.phaseMs;
      this.fromMs = this.nextAccelMs - (accelPeriod ?? 20);
      this.fromSpeed = car.speedMps;
    } else {
      while (this.nextAccelMs <= t) {
        // The mean acceleration over the sample's period (what a chip behind its low-pass reports), the speed at its instant interpolated within the step.
        const at = this.nextAccelMs;
        const v = prev.speedMps + ((car.speedMps - prev.speedMps) * (at - prev.simMs)) / (t - prev.simMs || 1);
        const a = (v - this.fromSpeed) / ((at - this.fromMs) / 1000);
        this.accelerometer.push(this.imu.sample(a, this.env.shaftC(at), this.axes));
        this.fromMs = at;
        this.fromSpeed = v;
        this.nextAccelMs += accelPeriod;
      }
    }
    const baroPeriod = this.barometer.periodMs();
    if (baroPeriod === undefined) this.nextBaroMs = t;
    else {
      while (this.nextBaroMs <= t) {
        this.barometer.convert(this.env.pressurePa(car.positionMm, t), this.env.shaftC(t));
        this.nextBaroMs += baroPeriod;
      }
    }
    this.last = car;
    return this.vanes.move(car.positionMm, t);
  }

  /** Where the car was at the last step. */
  get car(): CarMotion | undefined {
    return this.last;
  }
}

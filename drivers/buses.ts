import { systemTimers, type Timers } from '../src/core/clock.js';
import { BusQueues } from './kernel/bus-queue.js';
import { systemSerialPorts, type SerialPortFactory } from './kernel/serial-port.js';
import { RtuPorts } from './modbus/rtu-link.js';

export interface FieldBusesOptions {
  /** The byte boundary of serial transports: real ports by default, mocks or fakes in tests. */
  serialPorts?: SerialPortFactory;
  /** Waits on a physical wire (RTU answer timeouts, inter-frame silence): real time by default. */
  io?: Timers;
}

/**
 * The physical buses one gateway drives: one transaction queue per bus and one open port per
 * serial path, shared by every slave on it. The gateway (or a diag command) makes one and hands
 * it to each driver through the driver context.
 */
export class FieldBuses {
  readonly queues = new BusQueues();
  readonly rtuPorts: RtuPorts;
  readonly serialPorts: SerialPortFactory;

  constructor(o: FieldBusesOptions = {}) {
    this.serialPorts = o.serialPorts ?? systemSerialPorts;
    this.rtuPorts = new RtuPorts(this.serialPorts, o.io ?? systemTimers);
  }
}

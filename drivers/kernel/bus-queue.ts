/**
 * One transaction at a time on a physical bus (RS-485 is half-duplex; a Modbus TCP
 * gateway usually serialises too). Every slave on the same bus shares one queue.
 *
 * The usual case — one slave, polled on its period — finds the bus free every time: the task
 * then starts at once and the queue adds one settled-callback to its promise. A task that finds
 * the bus busy waits its turn, first come first served.
 */
export class BusQueue {
  private busy = false;
  private readonly waiting: (() => void)[] = [];
  private depth = 0;
  private readonly next = (): void => {
    this.depth--;
    const start = this.waiting.shift();
    if (start) start();
    else this.busy = false;
  };

  get pending(): number {
    return this.depth;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.depth++;
    if (!this.busy) {
      this.busy = true;
      return this.start(task);
    }
    return new Promise<T>((resolve, reject) => this.waiting.push(() => this.start(task).then(resolve, reject)));
  }

  /** Runs `task` with the bus to itself; the next one starts once it has settled, however it ends. */
  private start<T>(task: () => Promise<T>): Promise<T> {
    let p: Promise<T>;
    try {
      p = task();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(this.next, this.next);
    return p;
  }
}

/**
 * The queues of the buses one gateway (or one diag command) drives, by bus key (a serial path,
 * or host:port for TCP). An object handed to the drivers, not a module global: two gateways, or
 * a test and a diag command, in one process never share a bus by accident.
 */
export class BusQueues {
  private readonly buses = new Map<string, BusQueue>();

  for(key: string): BusQueue {
    let q = this.buses.get(key);
    if (!q) {
      q = new BusQueue();
      this.buses.set(key, q);
    }
    return q;
  }
}

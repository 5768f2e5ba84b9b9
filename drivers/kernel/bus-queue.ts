/**
 * One transaction at a time on a physical bus (RS-485 is half-duplex; a Modbus TCP
 * gateway usually serialises too). Every slave on the same bus shares one queue.
 */
export class BusQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private depth = 0;

  get pending(): number {
    return this.depth;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.depth++;
    const result = this.tail.then(task, task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.depth--;
    });
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

  get size(): number {
    return this.buses.size;
  }
}

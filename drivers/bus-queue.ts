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

const buses = new Map<string, BusQueue>();

/** The shared queue for a bus key (a serial path, or host:port for TCP). */
export function busFor(key: string): BusQueue {
  let q = buses.get(key);
  if (!q) {
    q = new BusQueue();
    buses.set(key, q);
  }
  return q;
}

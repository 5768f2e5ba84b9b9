import type { Driver } from '../../drivers/types.js';
import type { LoadedConfig, LoadedElevator } from '../config/load.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { BaselineStore } from '../detect/health/baseline-store.js';
import type { Outbox } from '../outbox/types.js';
import type { MqttConnect } from '../uplink/client.js';
import type { ProtocolVersion } from '../uplink/protocol.js';

/** What a Gateway is built from: the loaded config, and the seams tests inject. */
export interface GatewayOptions {
  config: LoadedConfig;
  logger: Logger;
  /** Injected for tests; by default the system clock, scaled by runtime.timeScale. */
  clock?: Clock;
  /** Injected for tests: a driver per elevator instead of the board's transport. */
  driverFor?: (e: LoadedElevator) => Driver;
  outbox?: Outbox;
  /** Injected for tests: an in-memory broker instead of mqtt.js. */
  mqttConnect?: MqttConnect;
  /** The MQTT version to connect with first (default 5, falling back to 3.1.1 on refusal); the demo's aedes speaks 3.1.1 only. */
  mqttVersion?: ProtocolVersion;
  /** Whether the wall clock can be trusted; injected for tests. */
  clockSynced?: () => boolean;
  /** The local time zone statistics roll up in; default the system's. */
  timeZone?: string;
  /** The local diagnostics socket (config.diagSocketPath); `false` serves none (tests that need no socket). */
  diagSocket?: false;
  /** Every payload's `bootId`; by default a random one per process start (docs/contract.md, "Time"). */
  bootId?: string;
  /** Where early-warning baselines are kept; by default tables of their own in the outbox database (in memory with an injected outbox). */
  baselines?: BaselineStore;
  /**
   * Where `elevgw upgrade` leaves its state files (src/runtime/upgrade-report.ts); by default
   * `$STATE_DIRECTORY/upgrade` (systemd's StateDirectory=), none when that is not set; `false` none.
   */
  upgradeDir?: string | false;
}

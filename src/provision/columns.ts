/**
 * The answers that can be given without prompts, each with its roll-out CSV column and its
 * `elevgw init` flag: one table, so the CSV and the flags cannot drift apart, and
 * docs/provisioning.md documents both from the same list.
 *
 * Per-elevator answers hold one value per elevator separated by `;` (`L1;L2`); a single value
 * stands for every elevator (`generic-modbus-controller`, one adapter for a shared bus).
 */
export interface Column {
  /** Header of the roll-out CSV. */
  name: string;
  /** The `elevgw init` flag giving the same answer (repeatable for per-elevator answers). */
  flag: string;
  perElevator: boolean;
  /** Must be a CSV column (and given as a flag) whatever the board; others depend on the board or have defaults. */
  required: boolean;
  /** What is used when it is left out: in a CSV, always; from flags, only with --yes. */
  default?: string;
  /** The flag's value as shown in help (`<code>`) and what it is. */
  value: string;
  help: string;
}

export const COLUMNS = [
  { name: 'gateway_id', flag: '--gateway-id', perElevator: false, required: true, value: '<id>', help: "the gateway's id, assigned by the platform (with --csv: picks the row)" },
  { name: 'site', flag: '--site', perElevator: false, required: false, default: '', value: '<name>', help: 'site name' },
  { name: 'address', flag: '--address', perElevator: false, required: false, default: '', value: '<text>', help: "the lifts' street address" },
  { name: 'elevator_ids', flag: '--elevator', perElevator: true, required: false, default: 'L1', value: '<id>', help: 'elevator id; repeat per elevator' },
  {
    name: 'registration_codes',
    flag: '--registration-code',
    perElevator: true,
    required: true,
    value: '<code>',
    help: '20-character registration code (使用登记代码); per elevator',
  },
  { name: 'rescue_codes', flag: '--rescue-code', perElevator: true, required: true, value: '<code>', help: 'rescue code posted in the car (96333); per elevator' },
  { name: 'board', flag: '--board', perElevator: true, required: true, value: '<id>', help: 'board profile from boards/; per elevator, or one for all' },
  { name: 'floors', flag: '--floors', perElevator: true, required: true, value: '<list>', help: 'floors LABEL:LEVEL_MM bottom up, e.g. "B1:0 1:3300" or 1..18@3000; per elevator' },
  { name: 'rated_speed_mps', flag: '--rated-speed', perElevator: true, required: true, value: '<mps>', help: 'rated speed, m/s; per elevator' },
  { name: 'adapter_serial', flag: '--adapter', perElevator: true, required: false, value: '<serial>', help: 'USB RS-485 adapter serial number (→ /dev/elevgw-rs485-SERIAL)' },
  { name: 'serial_port', flag: '--serial-port', perElevator: true, required: false, value: '<path>', help: 'serial port path, instead of --adapter' },
  { name: 'modbus_host', flag: '--modbus-host', perElevator: true, required: false, value: '<host:port>', help: 'Modbus TCP interface HOST[:PORT]' },
  { name: 'unit_id', flag: '--unit-id', perElevator: true, required: false, default: '1', value: '<n>', help: 'Modbus unit id (default 1)' },
  { name: 'baud_rate', flag: '--baud', perElevator: true, required: false, value: '<n>', help: "serial baud rate (default: the board's transport)" },
  { name: 'broker_url', flag: '--broker', perElevator: false, required: true, value: '<url>', help: "the platform's broker, mqtts://HOST:8883" },
  { name: 'username', flag: '--username', perElevator: false, required: false, value: '<name>', help: 'broker user name (default: the gateway id)' },
  { name: 'ca_file', flag: '--ca', perElevator: false, required: false, value: '<file>', help: "the broker's CA certificate (PEM); copied next to the config" },
] as const satisfies readonly Column[];

export type ColumnName = (typeof COLUMNS)[number]['name'];

/** One gateway's answers as text, by column; `undefined` = not given (a flag left out, a column not in the CSV). */
export type Row = Partial<Record<ColumnName, string>>;

export function column(name: ColumnName): Column {
  return COLUMNS.find((c) => c.name === name)!;
}

/** The values of a per-elevator cell; an empty cell is no value. */
export function cellValues(cell: string | undefined): string[] {
  if (cell === undefined || cell.trim() === '') return [];
  return cell.split(';').map((v) => v.trim());
}

/**
 * Mutation testing of the core: the fault rules (src/detect), the store of record (src/outbox)
 * and its holding queue (src/runtime/holding.ts), the records it stores (event ids,
 * src/runtime/records.ts and what it builds on), its delivery (src/uplink), the drivers'
 * kernel (drivers/kernel), the drivers of all four transports (Modbus, framed serial, GPIO,
 * Firmata; their bindings to onoff and firmata-io are left to the tests that load them) and the
 * retrofit box's (its driver, sample clock and I2C sensors' decoding), the normalisation of
 * their points into the signals the rules read (src/signals, the retrofit box's fusion included), and
 * the loading and checking of config files and board profiles (src/config).
 * `npm run mutate`, not part of `npm test`: a full run takes hours on a 2-core machine (~8,700
 * mutants, one test runner); a re-run after a change only tests the mutants whose code or
 * covering tests changed (the incremental file). Reports land in reports/mutation/
 * (git-ignored); scripts/mutation-summary.mjs prints the score per folder from the JSON report.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.mjs' },
  mutate: [
    'src/detect/**/*.ts',
    'src/outbox/**/*.ts',
    'drivers/kernel/**/*.ts',
    'drivers/modbus/**/*.ts',
    'drivers/serial/**/*.ts',
    'drivers/gpio/debounce.ts',
    'drivers/gpio/driver.ts',
    'drivers/firmata/driver.ts',
    'drivers/retrofit/driver.ts',
    'drivers/retrofit/sample-clock.ts',
    'drivers/retrofit/sensors/*.ts',
    'src/uplink/**/*.ts',
    // Raw points into the signals every rule reads: scale, inversion, staleness, derived signals,
    // and the retrofit box's fusion of its sensors into position, speed and landing.
    'src/signals/**/*.ts',
    // Config files and board profiles: every mistake refused with its file, line and path; the
    // --strict checks that keep an unsafe config from starting; credentials; replacing a config.
    'src/config/**/*.ts',
    // The outbox as the gateway uses it while storage fails: held records, pending acks.
    'src/runtime/holding.ts',
    // What every record carries: its id, its envelope and running state, the black box.
    'src/core/ids.ts',
    'src/runtime/records.ts',
    'src/runtime/payload.ts',
    'src/runtime/blackbox-json.ts',
    // Only an interface: nothing to mutate.
    '!drivers/modbus/link.ts',
    // The slave side of RTU framing, used by the simulator and test peers, never by the gateway.
    '!drivers/modbus/rtu-request.ts',
  ],
  // Sandbox copies: what the tests need (sources, boards, configs, test fixtures), nothing built;
  // of the docs only the configuration reference, whose table of defaults a test reads.
  ignorePatterns: ['dist', 'data', 'coverage', 'reports', 'bench', 'docs/*', '!docs/configuration.md', '*.db', '*.db-wal', '*.db-shm'],
  // Each test run starts only the tests that cover the mutant.
  coverageAnalysis: 'perTest',
  // Two cores, shared with other work: one test runner process.
  concurrency: 1,
  // A mutant that makes a loop endless is stopped (and counts as detected) after twice its
  // tests' normal time plus 10 s, with room for the load other work puts on the machine.
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // A mutant in code run at import time (tables, the rule list, EVENT_TYPES) cannot be traced to
  // the tests that cover it, so Stryker would run all ~400 tests for each (a minute apiece here);
  // they are reported as Ignored instead. The catalogue and tables have their own exact tests.
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: 'reports/.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['progress', 'clear-text', 'html', 'json'],
  clearTextReporter: { reportMutants: false, reportTests: false, allowColor: false },
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 80, low: 60, break: null },
};

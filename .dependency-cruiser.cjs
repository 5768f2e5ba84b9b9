// Import boundaries that encode the layer diagram in docs/architecture.md. `npm run lint` runs
// dependency-cruiser with this file; a violation fails the build.
const layer = (name, mayImport) => ({
  name: `${name}-layer`,
  comment: `${name} may import only: ${mayImport.join(', ')}`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: '^(src|drivers)/', pathNot: [`^src/${name}/`, ...mayImport.map((m) => `^${m}`)] },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'layers flow one way; a cycle hides an upward import', from: {}, to: { circular: true } },
    {
      name: 'drivers-know-no-upper-layer',
      comment: 'a driver knows registers, pins and frames: only src/core and src/config (board profiles) above it',
      severity: 'error',
      from: { path: '^drivers/' },
      to: { path: '^src/', pathNot: ['^src/core/', '^src/config/'] },
    },
    layer('core', []),
    layer('contract', ['src/core/']),
    layer('config', ['src/core/', 'src/contract/']),
    layer('signals', ['src/core/', 'src/config/', 'src/contract/', 'drivers/types.ts']),
    layer('detect', ['src/core/', 'src/config/', 'src/contract/', 'src/signals/', 'drivers/types.ts']),
    layer('outbox', ['src/core/', 'src/contract/']),
    layer('uplink', ['src/core/', 'src/config/', 'src/contract/', 'src/outbox/']),
    layer('replay', ['src/core/', 'src/config/', 'src/contract/', 'src/signals/', 'src/detect/']),
    layer('sim', ['src/core/', 'src/config/', 'src/contract/', 'src/signals/', 'src/replay/', 'drivers/']),
    // The district platform is another program on the gateway's contract: it shares only that and core.
    layer('platform', ['src/core/', 'src/contract/']),
    // The technician's tools: read the field (drivers, the pipeline) and the running gateway (contract), never the runtime itself.
    // `diag broker` connects with the uplink's own MQTT options (src/uplink/options.ts), nothing else of the uplink.
    layer('diag', ['src/core/', 'src/config/', 'src/contract/', 'src/signals/', 'src/detect/', 'src/outbox/', 'src/uplink/options.ts', 'drivers/']),
    layer('provision', ['src/core/', 'src/config/']),
    layer('install', ['src/core/', 'src/config/', 'src/contract/', 'src/diag/']),
    layer('runtime', ['src/core/', 'src/config/', 'src/contract/', 'src/signals/', 'src/detect/', 'src/outbox/', 'src/uplink/', 'drivers/']),
    {
      name: 'nothing-imports-the-cli',
      comment: 'the command line is the top: no layer depends on it',
      severity: 'error',
      from: { path: '^(src|drivers)/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'product-never-imports-tests-or-bench',
      severity: 'error',
      from: { path: '^(src|drivers)/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};

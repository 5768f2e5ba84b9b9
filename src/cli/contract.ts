import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { packageRoot } from '../config/load.js';

export function registerContract(program: Command): void {
  program
    .command('contract')
    .description('write the JSON Schemas of the MQTT payloads and the AsyncAPI document (docs/contract/) from their zod source')
    .option('--out <dir>', 'output directory', join(packageRoot(), 'docs', 'contract'))
    .action(async (opts: { out: string }) => {
      const [{ asyncApiYaml }, { contractJsonSchemas }] = await Promise.all([import('../contract/asyncapi.js'), import('../contract/schemas.js')]);
      mkdirSync(opts.out, { recursive: true });
      for (const [name, schema] of Object.entries(contractJsonSchemas())) {
        writeFileSync(join(opts.out, name), `${JSON.stringify(schema, null, 2)}\n`);
        console.log(join(opts.out, name));
      }
      writeFileSync(join(opts.out, 'asyncapi.yaml'), asyncApiYaml());
      console.log(join(opts.out, 'asyncapi.yaml'));
    });
}

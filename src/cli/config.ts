import type { Command } from 'commander';
import { z } from 'zod';

export function registerConfig(program: Command): void {
  const config = program.command('config').description('validate site configs, print JSON Schemas for editors');
  config
    .command('validate <file>')
    .description('check a site config and the boards it names; prints every problem with file:line path')
    .option(
      '--strict',
      'also refuse what must not run on a real gateway: placeholders, secrets in the YAML or in clear, unverified TLS, unreadable files (the installer and the systemd unit run this)',
    )
    .action(async (file: string, opts: { strict?: boolean }) => {
      const { loadConfig } = await import('../config/load.js');
      const c = loadConfig(file, { strict: opts.strict === true });
      const what = `gateway ${c.site.gateway.id}, ${c.elevators.length} elevator(s): ${c.elevators.map((e) => `${e.config.id} on ${e.board.id}`).join(', ')}`;
      console.log(`${file}: ok${opts.strict ? ' (strict)' : ''} — ${what}`);
    });
  config
    .command('schema')
    .description('print the JSON Schema of the site config (or of a board profile)')
    .option('--board', 'the board profile schema instead')
    .action(async (opts: { board?: boolean }) => {
      const json = opts.board
        ? z.toJSONSchema((await import('../config/board.js')).boardSchema(), { io: 'input', unrepresentable: 'any' })
        : (await import('../config/json-schema.js')).siteConfigJsonSchema();
      console.log(JSON.stringify(json, null, 2));
    });
}

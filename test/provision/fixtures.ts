import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/program.js';

/** A machine id file, as /etc/machine-id. */
export function machineIdFile(dir: string, id: string): string {
  const file = join(dir, `machine-id-${id.slice(0, 8)}`);
  writeFileSync(file, `${id}\n`);
  return file;
}

/**
 * A /dev with USB serial adapters, as udev lays them out: raw ttys, serial/by-id links, and the
 * elevgw-rs485-<serial> names install.sh's rules add. `adapters` maps a tty to its by-id name and,
 * optionally, the serial number udev names it by.
 */
export function fakeDev(dir: string, adapters: { tty: string; byId: string; serial?: string }[]): string {
  const dev = join(dir, 'dev');
  mkdirSync(join(dev, 'serial', 'by-id'), { recursive: true });
  for (const a of adapters) {
    writeFileSync(join(dev, a.tty), '');
    symlinkSync(`../../${a.tty}`, join(dev, 'serial', 'by-id', a.byId));
    if (a.serial) symlinkSync(a.tty, join(dev, `elevgw-rs485-${a.serial}`));
  }
  return dev;
}

/** The platform's CA, made with openssl: it signs a gateway's CSR as the platform would. */
export function testCa(dir: string): { cert: string; sign(csr: string, out: string, own?: { subject: string }): void } {
  const key = join(dir, 'ca.key');
  const cert = join(dir, 'ca.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=elevgw test platform CA', '-days', '2'],
    { stdio: 'ignore' },
  );
  return {
    cert,
    /** As the CSR asks (its CN and SAN copied), or with a subject of the CA's own naming and none of the CSR's extensions. */
    sign(csr, out, own) {
      const names = own ? ['-subj', own.subject] : ['-copy_extensions', 'copy'];
      execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', cert, '-CAkey', key, '-CAcreateserial', '-out', out, '-days', '1', ...names], {
        stdio: 'ignore',
      });
    },
  };
}

/** `config validate`, with --strict when the CLI has it (the installer's check). */
export function validateArgs(site: string): string[] {
  const validate = buildProgram()
    .commands.find((c) => c.name() === 'config')
    ?.commands.find((c) => c.name() === 'validate');
  const strict = validate?.options.some((o) => o.long === '--strict') === true;
  return ['config', 'validate', ...(strict ? ['--strict'] : []), site];
}

/** openssl's exit status and everything it printed. */
export function openssl(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

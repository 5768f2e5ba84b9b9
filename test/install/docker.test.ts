import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO } from '../helpers/built.js';

/**
 * No container engine runs here, so the Dockerfile is read as text — instructions, stages, what
 * the runtime stage copies, runs as and checks — and the compose example as YAML.
 */

interface Instruction {
  line: number;
  op: string;
  args: string;
}

/** Instructions of a Dockerfile: comments and blank lines dropped, `\` continuations joined. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: Instruction | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending && line.startsWith('#')) return;
    const body = line.endsWith('\\') ? line.slice(0, -1) : line;
    if (pending) pending.args += ` ${body.trim()}`;
    else {
      const m = /^([A-Z]+)\s+(.*)$/.exec(body);
      if (!m) throw new Error(`Dockerfile:${i + 1}: not an instruction: ${line}`);
      pending = { line: i + 1, op: m[1]!, args: m[2]!.trim() };
    }
    if (!line.endsWith('\\')) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending) throw new Error(`Dockerfile:${pending.line}: continuation never ends`);
  return out;
}

const KNOWN = new Set([
  'FROM',
  'ARG',
  'RUN',
  'COPY',
  'ADD',
  'ENV',
  'USER',
  'WORKDIR',
  'VOLUME',
  'HEALTHCHECK',
  'STOPSIGNAL',
  'ENTRYPOINT',
  'CMD',
  'EXPOSE',
  'LABEL',
  'SHELL',
  'ONBUILD',
]);

describe('Dockerfile', () => {
  const all = instructions(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
  const stages: Instruction[][] = [];
  for (const ins of all) {
    if (ins.op === 'FROM') stages.push([ins]);
    else stages.at(-1)?.push(ins);
  }
  const runtime = stages.at(-1)!;

  it('uses only known instructions and has a build stage and a runtime stage', () => {
    expect(all.filter((i) => !KNOWN.has(i.op)).map((i) => `${i.line}: ${i.op}`)).toEqual([]);
    expect(all[0]!.op).toBe('FROM');
    expect(stages.length).toBeGreaterThanOrEqual(2);
  });

  it('builds the runtime image from a release tarball checked against its .sha256 and MANIFEST.sha256, without sources, tests or bench', () => {
    const copies = all.filter((i) => i.op === 'COPY' || i.op === 'ADD');
    expect(copies.map((c) => c.args)).toEqual(['release/ /release/', expect.stringMatching(/^--from=unpack \S+ \/opt\/elevgw\/current$/)]);
    const unpack = stages.find((s) => /\bAS unpack$/.test(s[0]!.args))!;
    const script = unpack
      .filter((i) => i.op === 'RUN')
      .map((i) => i.args)
      .join(' ');
    expect(script).toMatch(/sha256sum -c "\$1\.sha256"/);
    expect(script).toMatch(/sha256sum -c --strict --quiet MANIFEST\.sha256/);
    for (const arch of ['arm64) target=linux-arm64', 'arm) target=linux-armv7l', 'amd64) target=linux-x64']) expect(script).toContain(arch);
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(ignore).toEqual(['*', '!release/elevgw-*.tar.gz', '!release/elevgw-*.tar.gz.sha256']);
  });

  it("installs ca-certificates in the runtime image: the launcher trusts the system's CA store", () => {
    const run = runtime.filter((i) => i.op === 'RUN').map((i) => i.args);
    expect(run.some((r) => /apt-get install -y --no-install-recommends ca-certificates/.test(r) && /rm -rf \/var\/lib\/apt\/lists/.test(r))).toBe(true);
    expect(readFileSync(join(REPO, 'scripts/release/launcher.sh'), 'utf8')).toMatch(/^node_flags=.*--use-openssl-ca/m);
  });

  it('runs as the unprivileged elevgw user with the health check and the state volume', () => {
    const users = runtime.filter((i) => i.op === 'USER').map((i) => i.args);
    expect(users).toEqual(['elevgw']);
    const userAt = runtime.findIndex((i) => i.op === 'USER');
    expect(runtime.findIndex((i) => i.op === 'CMD')).toBeGreaterThan(userAt);
    expect(runtime.find((i) => i.op === 'HEALTHCHECK')?.args).toMatch(/CMD \["elevgw", "health", "--config", "\/etc\/elevgw\/site\.yaml"\]$/);
    expect(runtime.find((i) => i.op === 'VOLUME')?.args).toBe('["/var/lib/elevgw"]');
    expect(runtime.find((i) => i.op === 'CMD')?.args).toBe('["run", "--config", "/etc/elevgw/site.yaml"]');
    expect(runtime.find((i) => i.op === 'RUN' && i.args.includes('useradd'))?.args).toMatch(/--groups dialout,gpio/);
  });
});

describe('docker-compose.example.yml', () => {
  const compose = parse(readFileSync(join(REPO, 'docker-compose.example.yml'), 'utf8')) as {
    services: Record<string, { devices: string[]; volumes: string[]; secrets: string[]; environment: Record<string, string>; cap_drop: string[]; healthcheck?: unknown }>;
    secrets: Record<string, { file: string }>;
    volumes: Record<string, unknown>;
  };
  const svc = compose.services.elevgw!;

  it('maps the serial adapter, GPIO and the state volume, and hands over the credentials', () => {
    expect(svc.devices).toEqual(expect.arrayContaining([expect.stringMatching(/^\/dev\/elevgw-rs485[^:]*:\/dev\/elevgw-rs485/), '/dev/gpiochip0:/dev/gpiochip0']));
    expect(svc.volumes).toEqual(expect.arrayContaining(['elevgw-state:/var/lib/elevgw', './site.yaml:/etc/elevgw/site.yaml:ro']));
    expect(Object.keys(compose.volumes)).toContain('elevgw-state');
    expect(svc.secrets).toEqual(['credentials']);
    expect(svc.environment.CREDENTIALS_DIRECTORY).toBe('/run/secrets');
    expect(compose.secrets.credentials!.file).toBe('./credentials');
    expect(svc.cap_drop).toEqual(['ALL']);
    expect(svc.healthcheck).toBeUndefined(); // the image's HEALTHCHECK applies
  });
});

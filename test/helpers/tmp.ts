import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temp directory (under `parent`, default the OS temp dir) removed by the returned cleanup. */
export function tempDir(prefix = 'elevgw-test-', parent = tmpdir()): { dir: string; file(name: string, text?: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(parent, prefix));
  return {
    dir,
    file(name, text) {
      const p = join(dir, name);
      if (text !== undefined) writeFileSync(p, text);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

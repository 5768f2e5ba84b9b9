import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../config/load.js';
import { ElevgwError } from '../core/errors.js';

/**
 * `elevgw uninstall`: runs the release's scripts/uninstall.sh, the counterpart of
 * scripts/install.sh; removing a gateway is file and systemd work, so it stays in shell beside the
 * installer (they share scripts/install-lib.sh) rather than being written twice.
 */
export function registerUninstall(program: Command): void {
  program
    .command('uninstall')
    .description('stop and remove the installed gateway (service, releases, links, unit, udev rules); keeps /etc/elevgw and /var/lib/elevgw unless --purge')
    .option('--purge', 'also remove /etc/elevgw (config, credentials), /var/lib/elevgw (the outbox) and the elevgw user')
    .option('--root <dir>', 'act on the tree under DIR; record systemctl, udevadm and userdel calls instead of making them')
    .action((opts: { purge?: boolean; root?: string }) => {
      // In a release the app sits in app/ and the scripts beside it; in a checkout, scripts/ is at the root.
      const script = [join(packageRoot(), '..', 'scripts', 'uninstall.sh'), join(packageRoot(), 'scripts', 'uninstall.sh')].find((p) => existsSync(p));
      if (!script) throw new ElevgwError('CONFIG_NOT_FOUND', `scripts/uninstall.sh is not beside this elevgw (${packageRoot()})`);
      const args = [script, ...(opts.purge ? ['--purge'] : []), ...(opts.root ? ['--root', opts.root] : [])];
      const r = spawnSync('bash', args, { stdio: 'inherit' });
      if (r.error) throw r.error;
      process.exitCode = r.status ?? 1;
    });
}

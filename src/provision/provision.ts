import { chownSync, existsSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseCredentials } from '../config/credentials.js';
import { loadConfig } from '../config/load.js';
import type { Answers } from './answers.js';
import { mqttClientId } from './client-id.js';
import { certificateRequestPem, generateGatewayKey, privateKeyPem, readPrivateKey } from './csr.js';
import { credentialsText, keepBackup, MODES, makeDirs, outputPaths, readIfExists, refuseOverwrite, writeFileAtomic, type OutputPaths, type ServiceAccount } from './outputs.js';
import { BROKER_PASSWORD_CREDENTIAL, siteYaml } from './site-yaml.js';

export interface ProvisionInput {
  answers: Answers;
  outDir: string;
  /** The service's state directory; the outbox goes there. */
  stateDir: string;
  force: boolean;
  machineId: string;
  wallNow: number;
  version: string;
  /** The elevgw account, when init runs as root and it exists (see outputs.ts). */
  account?: ServiceAccount;
}

export interface ProvisionResult {
  paths: OutputPaths;
  clientId: string;
  /** An existing key was kept (its CSR is written anew for the current answers). */
  keyReused: boolean;
  /** No password was given and the one an earlier init stored is still used. */
  passwordKept: boolean;
  written: string[];
  backups: string[];
}

/**
 * Writes a gateway's config, credentials, key and CSR from checked answers. Nothing is written
 * unless everything can be: the refusal comes before a key is generated, and the config is
 * validated by the same loader as `elevgw run` before it replaces anything.
 */
export function provision(input: ProvisionInput): ProvisionResult {
  const { answers } = input;
  const paths = outputPaths(input.outDir);
  const password = answers.broker.password;
  const caSource = answers.broker.ca;
  const passwordReplaced = password !== undefined && holdsBrokerPassword(readIfExists(paths.credentials), paths.credentials, true);
  const replaced = [paths.site, paths.csr, ...(passwordReplaced ? [paths.credentials] : []), ...(caSource !== undefined && caSource !== paths.ca ? [paths.ca] : [])];
  const existing = refuseOverwrite(replaced, input.force);
  // Read before anything is moved aside: --ca may name the copy an earlier init made.
  const caText = caSource === undefined ? undefined : readFileSync(caSource, 'utf8');
  const oldCredentials = readIfExists(paths.credentials);
  // A re-run without a password (to correct a floor, say) keeps the one already stored: the broker
  // login does not change because another answer did, and the installer may not have it at hand.
  const passwordKept = password === undefined && holdsBrokerPassword(oldCredentials, paths.credentials, false);

  const clientId = mqttClientId(answers.gatewayId, input.machineId);
  const keyReused = existsSync(paths.key);
  const key = keyReused ? readPrivateKey(readFileSync(paths.key, 'utf8')) : generateGatewayKey();
  const csr = certificateRequestPem(key, { commonName: answers.gatewayId, clientId });
  const yaml = siteYaml({
    answers,
    clientId,
    // Relative to where init runs, as --out-dir is: the config would resolve it against its own directory.
    outboxPath: join(resolve(input.stateDir), 'outbox.db'),
    password: password !== undefined || passwordKept,
    header: `Written by elevgw ${input.version} init on ${new Date(input.wallNow).toISOString()} for gateway ${answers.gatewayId} (MQTT client id ${clientId}).`,
  });

  // The config is checked where it will live (relative paths resolve against its directory)
  // under a temporary name, and only then renamed over the old one.
  const staged = `${paths.site}.new`;
  writeFileAtomic(staged, yaml, MODES.site, input.account && { uid: process.getuid?.() ?? 0, gid: input.account.gid });
  try {
    loadConfig(staged);
  } catch (e) {
    unlinkSync(staged);
    throw e;
  }

  // The service (group elevgw) must be able to enter the directories to read its config and key.
  makeDirs(dirname(paths.key));
  if (input.account) for (const d of [paths.dir, dirname(paths.key)]) chownSync(d, process.getuid?.() ?? 0, input.account.gid);

  const backups = existing.map((f) => keepBackup(f, input.wallNow));
  const written: string[] = [];
  if (!keyReused) {
    writeFileAtomic(paths.key, privateKeyPem(key), MODES.key, input.account);
    written.push(paths.key);
  }
  writeFileAtomic(paths.csr, csr, MODES.csr);
  written.push(paths.csr);
  if (caText !== undefined && caSource !== paths.ca) {
    writeFileAtomic(paths.ca, caText, MODES.ca);
    written.push(paths.ca);
  }
  if (password !== undefined) {
    writeFileAtomic(paths.credentials, credentialsText(oldCredentials, BROKER_PASSWORD_CREDENTIAL, password), MODES.credentials);
    written.push(paths.credentials);
  }
  // Last, so that a site.yaml only ever exists with the files it names.
  renameSync(staged, paths.site);
  written.push(paths.site);
  return { paths, clientId, keyReused, passwordKept, written, backups };
}

/**
 * Whether the credentials file holds a broker password (an empty `broker-password=` is none, nor
 * is the empty file install.sh leaves for LoadCredential=). A file that does not parse counts as
 * `unparsable` says: in the way of a new password (what it holds cannot be told), but no password
 * to keep.
 */
function holdsBrokerPassword(text: string | undefined, file: string, unparsable: boolean): boolean {
  if (text === undefined) return false;
  try {
    return (parseCredentials(text, file).get(BROKER_PASSWORD_CREDENTIAL) ?? '') !== '';
  } catch {
    return unparsable;
  }
}

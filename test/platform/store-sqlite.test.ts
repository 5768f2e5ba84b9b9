import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteDb } from '../../src/platform/store/sqlite.js';
import { SqlPlatformStore } from '../../src/platform/store/store.js';
import { tempDir } from '../helpers/tmp.js';
import { storeContract } from './store-contract.js';

const tmp = tempDir('elevgw-platform-');
afterAll(() => tmp.cleanup());
let n = 0;

storeContract('SQLite (embedded default)', () => SqlPlatformStore.open(new SqliteDb(join(tmp.dir, `platform-${n++}.db`)), Date.UTC(2026, 4, 11)));

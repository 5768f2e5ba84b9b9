import { readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument } from 'yaml';
import { replaceConfigFile } from '../../config/replace-file.js';
import { ElevgwError } from '../../core/errors.js';
import type { LearnResult } from '../../signals/fusion/learn.js';

/**
 * Writes a learning run's result into the site config: each floor's `levelMm`, and the elevator's
 * `shaft` (signatures, vane edges, when). Edited as a YAML document (the `yaml` package's Document
 * API), so comments, order and flow style stay as written; the new file must load as a valid config
 * before it replaces the old one, which is kept as `<file>.bak-<UTC time>`; mode and owner are kept.
 */
export function writeLearnedShaft(file: string, elevatorId: string, r: LearnResult, nowMs: number): { backup: string } {
  return replaceConfigFile(file, learnedConfigText(file, elevatorId, r, nowMs), nowMs, 'learn');
}

/** The site config's text with a learning run's result written in (what `writeLearnedShaft` writes). */
export function learnedConfigText(file: string, elevatorId: string, r: LearnResult, nowMs: number): string {
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const elevators = doc.get('elevators', true);
  const elevator = isSeq(elevators) ? elevators.items.find((e) => isMap(e) && String(e.get('id')) === elevatorId) : undefined;
  const floors = isMap(elevator) ? elevator.get('floors', true) : undefined;
  if (!isMap(elevator) || !isSeq(floors)) throw new ElevgwError('CONFIG_INVALID', `${file}: no elevator "${elevatorId}" with a floors list to write the learned shaft into`);
  if (floors.items.length !== r.landings.length)
    throw new ElevgwError('CONFIG_INVALID', `${file}: elevator "${elevatorId}" has ${floors.items.length} floors, the learning run ${r.landings.length} landings`);
  r.landings.forEach((l, i) => {
    const floor = floors.items[i];
    if (isMap(floor)) floor.set('levelMm', l.levelMm);
  });
  const shaft = doc.createNode({
    learnedAt: new Date(nowMs).toISOString(),
    landings: r.shaft.landings.map((l) => ({ pressurePa: l.pressurePa, upperMm: [...l.upperMm], lowerMm: [...l.lowerMm] })),
  });
  // One landing per line, as a technician reads them.
  const landings = shaft.get('landings', true);
  if (isSeq(landings)) for (const item of landings.items) if (isMap(item)) item.flow = true;
  elevator.set('shaft', shaft);
  return doc.toString({ lineWidth: 0 });
}

import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { replaceConfigFile } from '../../config/replace-file.js';
import { ElevgwError } from '../../core/errors.js';

export interface LevelFix {
  index: number;
  toMm: number;
}

/**
 * Writes measured landing levels into the site config, after the technician confirmed it.
 * The `yaml` package's Document API finds each landing's `levelMm` value and where it stands in
 * the text, and only those characters are replaced: comments, order, quoting and flow style stay
 * exactly as the installer wrote them (re-printing the document would not keep them all). The result must load as a valid config (levels still strictly ascending …) before it
 * replaces the file; the original is kept next to it as `<file>.bak-<UTC time>`, and the new
 * file keeps the original's mode and owner (the service must still read it).
 */
export function writeMeasuredLevels(file: string, elevatorId: string, fixes: readonly LevelFix[], nowMs: number): { backup: string } {
  const text = readFileSync(file, 'utf8');
  const doc = parseDocument(text);
  const elevators = doc.get('elevators', true);
  const elevator = isSeq(elevators) ? elevators.items.find((e) => isMap(e) && String(e.get('id')) === elevatorId) : undefined;
  const floors = isMap(elevator) ? elevator.get('floors', true) : undefined;
  if (!isSeq(floors)) throw new ElevgwError('CONFIG_INVALID', `${file}: no floors list under the elevator "${elevatorId}" to write the levels into`);
  const edits = fixes.map((fix) => {
    const floor = floors.items[fix.index];
    const level = isMap(floor) ? floor.get('levelMm', true) : undefined;
    if (!isScalar(level) || !level.range) throw new ElevgwError('CONFIG_INVALID', `${file}: elevator "${elevatorId}" has no levelMm for floor ${fix.index}`);
    return { from: level.range[0], to: level.range[1], text: String(Math.round(fix.toMm)) };
  });
  let out = text;
  for (const e of edits.sort((a, b) => b.from - a.from)) out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return replaceConfigFile(file, out, nowMs, 'commission'); // the measured table must make a valid config, or nothing changes
}

// Writes the CWM files of `opentps ca export` into a directory: each file atomically, the key 0600,
// and never over files that are not from an earlier export (so a wrong --dir cannot clobber anything).

import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isExportFileName, type ExportFile } from '../../domain/cwm-export.js';
import { OpenTpsError } from '../../errors.js';
import { writeFileAtomic } from './ca-directory.js';

export function writeExportDirectory(dir: string, files: readonly ExportFile[]): string[] {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new OpenTpsError('ERR_EXPORT_TARGET', `cannot create ${dir}`, { cause });
  }
  const strangers = readdirSync(dir).filter((name) => !isExportFileName(name));
  if (strangers.length > 0) throw new OpenTpsError('ERR_EXPORT_TARGET', `${dir} holds ${strangers.slice(0, 3).join(', ')}`);
  return files.map((file) => {
    const path = join(dir, file.name);
    writeFileAtomic(path, file.content, file.isSecret ? 0o600 : 0o644);
    return path;
  });
}

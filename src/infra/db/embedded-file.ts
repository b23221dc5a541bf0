import { chmod, mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from '../../shared/errors.js';

const SQLITE_HEADER = 'SQLite format 3\u0000';

/** The embedded database cannot be used as it is; the file was not touched. */
export class EmbeddedDatabaseUnreadableError extends StartupError {
  override readonly name = 'EmbeddedDatabaseUnreadableError';

  constructor(file: string, reason: string) {
    super(`The embedded database ${file} cannot be read (${reason}). It was left untouched: restore it from a backup, or move it away to start with an empty database.`);
  }
}

async function headerOf(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SQLITE_HEADER.length);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('latin1');
  } finally {
    await handle.close();
  }
}

/**
 * Before SQLite opens the file: its folder and the file are private to this user (it holds sealed
 * secrets and everyone's tokens' hashes), and an existing file must be a SQLite database — anything
 * else stops the start rather than being overwritten or silently replaced by a fresh one.
 */
export async function prepareEmbeddedFile(file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (existing === null) {
    await (await open(file, 'wx', 0o600)).close();
    return;
  }
  if (!existing.isFile()) throw new EmbeddedDatabaseUnreadableError(file, 'not a regular file');
  // Empty: created but never written (SQLite writes its header with the first commit).
  if (existing.size > 0 && (await headerOf(file)) !== SQLITE_HEADER) throw new EmbeddedDatabaseUnreadableError(file, 'not a SQLite database');
  await chmod(file, 0o600);
}

/**
 * What a mutation costs on the embedded database as the file grows: the same createWorkspace
 * mutations against a database holding few and then many stored build-log lines. A journaled
 * engine writes only the pages a commit touches, so the ratio should stay near 1×; an engine that
 * rewrites the whole file on every save (sql.js, before) grows with the file.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openDatabase } from '../src/infra/db/data-source.js';
import { startBenchGateway } from './gateway.js';
import { formatMs, formatRatio, type ResultRow } from './support.js';

export interface EmbeddedWriteOptions {
  readonly smallLogLines: number;
  readonly largeLogLines: number;
  readonly mutations: number;
}

/** A migrated embedded database holding `lines` build-log lines (of one run, as a chatty build leaves them). */
async function databaseWithLogLines(lines: number): Promise<string> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kda-bench-writes-'));
  const file = path.join(dataDir, 'kda.sqlite');
  await (await openDatabase({ kind: 'embedded', file })).destroy();
  const database = new DatabaseSync(file);
  try {
    // The lines alone matter here, not the run they belong to.
    database.exec('PRAGMA foreign_keys = OFF');
    const insert = database.prepare('INSERT INTO build_log_lines (run_id, number, step, text, at) VALUES (?, ?, ?, ?, ?)');
    const runId = randomUUID();
    database.exec('BEGIN');
    for (let number = 1; number <= lines; number += 1)
      insert.run(runId, number, 1 + (number % 6), `Step ${1 + (number % 6)}/6 : log line ${number} of a long build, as compilers print them`, new Date().toISOString());
    database.exec('COMMIT');
  } finally {
    database.close();
  }
  return dataDir;
}

async function medianMutationMs(dataDir: string, mutations: number): Promise<number> {
  const gateway = await startBenchGateway({ kind: 'memory' }, { dataDir });
  try {
    const samples: number[] = [];
    for (let index = 0; index < mutations; index += 1) {
      const started = performance.now();
      const response = await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(
        'mutation ($name: String!) { createWorkspace(input: { name: $name }) { workspace { id } } }',
        { name: `bench-${index}` },
      );
      samples.push(performance.now() - started);
      if (response.errors !== undefined) throw new Error(`createWorkspace failed: ${JSON.stringify(response.errors)}`);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
  } finally {
    await gateway.stop();
  }
}

export async function runEmbeddedWriteScenario(options: EmbeddedWriteOptions): Promise<ResultRow[]> {
  const small = await medianMutationMs(await databaseWithLogLines(options.smallLogLines), options.mutations);
  const large = await medianMutationMs(await databaseWithLogLines(options.largeLogLines), options.mutations);
  return [
    {
      scenario: `embedded write, ${options.largeLogLines.toLocaleString('en')} vs ${options.smallLogLines} log lines stored`,
      measured: formatMs(large),
      baseline: formatMs(small),
      ratio: formatRatio(large, small),
      note: `median createWorkspace latency over ${options.mutations} mutations; ~1× = a write does not grow with the file`,
    },
  ];
}

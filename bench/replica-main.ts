/**
 * Entry of a gateway replica started by the benchmark: the production main (dist/src/main.js),
 * plus answers over the IPC channel so the benchmark can read this process's settled heap and CPU
 * time. It kills itself when the channel closes, so a crashed benchmark leaves no replica behind.
 */
import type { ReplicaReport, ReplicaRequest } from './replica-protocol.js';
import { settledHeapUsed } from './support.js';

process.on('message', (request: ReplicaRequest) => {
  if (request.type !== 'sample') return;
  void (request.heap ? settledHeapUsed() : Promise.resolve(Number.NaN)).then((heapUsed) => {
    const cpu = process.cpuUsage();
    const report: ReplicaReport = { type: 'sample', id: request.id, heapUsed, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    process.send?.(report);
  });
});
process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));

await import('../src/main.js');

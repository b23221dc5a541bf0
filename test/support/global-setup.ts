import { Socket } from 'node:net';

// Jest loads this file outside its module resolution, so it imports nothing of ours.
const MARIADB_URL = process.env.TEST_DATABASE_URL ?? 'mariadb://root@127.0.0.1:3306/test';
const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

interface Service {
  readonly name: string;
  readonly url: string;
  readonly howToStart: string;
}

const SERVICES: readonly Service[] = [
  { name: 'MariaDB', url: MARIADB_URL, howToStart: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd' },
  {
    name: 'NATS (JetStream)',
    url: NATS_URL,
    howToStart: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server',
  },
];

function reachable(url: string, timeoutMs: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(Number(port), hostname, () => done(true));
  });
}

/** Names each missing service and the command that starts it, instead of failing obscurely later. */
async function assertServicesRunning(): Promise<void> {
  const missing: string[] = [];
  for (const service of SERVICES) {
    if (!(await reachable(service.url, 2_000))) missing.push(`${service.name} is not reachable at ${service.url}. Start it with:\n    ${service.howToStart}`);
  }
  if (missing.length > 0) throw new Error(`The integration tests need real services:\n  ${missing.join('\n  ')}`);
}

export default async function globalSetup(): Promise<void> {
  await assertServicesRunning();
}

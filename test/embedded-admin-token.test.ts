/**
 * The embedded default's well-known token opens only a gateway that listens on loopback. Started
 * on another address (a container: HOST=0.0.0.0), it makes a random token and prints it once.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, GRAPHQL_PATH, type App } from '../src/app.js';
import { EMBEDDED_ADMIN_TOKEN, loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/shared/logger.js';

interface Answer {
  readonly status: number;
  readonly body: { data?: { me: { id: string } } | null; errors?: Array<{ extensions: { code: string } }> };
}

async function asAdmin(app: App, token: string): Promise<Answer> {
  const response = await fetch(`${app.url}${GRAPHQL_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

/** `npm start` with this environment, without the simulated clusters (not what is tested here). */
async function startEmbedded(env: NodeJS.ProcessEnv): Promise<{ app: App; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'kda-embedded-token-'));
  const app = await createApp(loadConfig({ PORT: '0', KDA_DATA_DIR: dataDir, KDA_SIMULATOR: 'off', ...env }), { logger: silentLogger });
  return {
    app,
    async stop() {
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

describe('the embedded admin token', () => {
  test('listening on every address: the well-known token is refused, the printed random one works', async () => {
    const { app, stop } = await startEmbedded({ HOST: '0.0.0.0' });
    try {
      const refused = await asAdmin(app, EMBEDDED_ADMIN_TOKEN);
      expect(refused.status).toBe(401);
      expect(refused.body.errors?.map((error) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);

      const banner = app.banner();
      expect(banner).not.toContain(EMBEDDED_ADMIN_TOKEN);
      const printed = /Admin token: (\S+)/.exec(banner)?.[1];
      expect(printed).toBeDefined();
      const accepted = await asAdmin(app, printed ?? '');
      expect(accepted.status).toBe(200);
      expect(accepted.body.data?.me.id).toEqual(expect.any(String));
      // GraphiQL pre-fills a token only for a gateway nobody else can reach.
      const page = await (await fetch(`${app.url}${GRAPHQL_PATH}`, { headers: { accept: 'text/html' } })).text();
      expect(page).not.toContain(printed);
    } finally {
      await stop();
    }
  });

  test('an operator’s KDA_ADMIN_TOKEN is used and not printed', async () => {
    const { app, stop } = await startEmbedded({ HOST: '0.0.0.0', KDA_ADMIN_TOKEN: 'operator-chosen-admin-token' });
    try {
      expect(app.banner()).not.toContain('operator-chosen-admin-token');
      expect((await asAdmin(app, 'operator-chosen-admin-token')).status).toBe(200);
      expect((await asAdmin(app, EMBEDDED_ADMIN_TOKEN)).status).toBe(401);
    } finally {
      await stop();
    }
  });

  test('on loopback the well-known token works and GraphiQL has it pre-filled', async () => {
    const { app, stop } = await startEmbedded({});
    try {
      expect((await asAdmin(app, EMBEDDED_ADMIN_TOKEN)).status).toBe(200);
      expect(app.banner()).toContain(`Admin token: ${EMBEDDED_ADMIN_TOKEN}`);
      const page = await (await fetch(`${app.url}${GRAPHQL_PATH}`, { headers: { accept: 'text/html' } })).text();
      expect(page).toContain(EMBEDDED_ADMIN_TOKEN);
    } finally {
      await stop();
    }
  });
});

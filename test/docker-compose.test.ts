/**
 * docker-compose.yml's structure (no Docker needed): two gateway replicas behind one published port,
 * sharing MySQL and NATS, started only after a one-shot migration succeeded; the nginx
 * configuration routes /graphql, websocket upgrades included, to the replicas; and every
 * environment variable given to the gateway image is one the gateway's configuration reads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { variablesTheGatewayReads } from './support/config-variables.js';

const root = path.resolve(import.meta.dirname, '..');

interface Service {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}

const compose = parseYaml(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;

/** An nginx directive: its name, arguments and, for a block, the directives inside. */
interface Directive {
  readonly name: string;
  readonly args: string[];
  readonly children?: Directive[];
}

/** Enough of nginx's configuration grammar for this file: directives, blocks, quotes, comments. */
function parseNginx(source: string): Directive[] {
  const tokens = [...source.replace(/#[^\n]*/g, '').matchAll(/'[^']*'|"[^"]*"|[{};]|[^\s{};]+/g)].map((match) => match[0]);
  let index = 0;
  const block = (): Directive[] => {
    const directives: Directive[] = [];
    let words: string[] = [];
    while (index < tokens.length) {
      const token = tokens[index++]!;
      if (token === '}') {
        if (words.length > 0) throw new Error(`unterminated directive ${words.join(' ')}`);
        return directives;
      }
      if (token === ';') {
        directives.push({ name: words[0]!, args: words.slice(1) });
        words = [];
      } else if (token === '{') {
        directives.push({ name: words[0]!, args: words.slice(1), children: block() });
        words = [];
      } else words.push(token.replace(/^(['"])(.*)\1$/, '$2'));
    }
    if (words.length > 0) throw new Error(`unterminated directive ${words.join(' ')}`);
    return directives;
  };
  return block();
}

function only(directives: readonly Directive[] | undefined, name: string, ...args: string[]): Directive {
  const found = (directives ?? []).filter((directive) => directive.name === name && args.every((arg, index) => directive.args[index] === arg));
  expect({ name, args, count: found.length }).toEqual({ name, args, count: 1 });
  return found[0]!;
}

function headers(location: Directive): Record<string, string> {
  return Object.fromEntries((location.children ?? []).filter((directive) => directive.name === 'proxy_set_header').map((directive) => [directive.args[0], directive.args[1]]));
}

describe('docker-compose.yml', () => {
  const gateway = services['gateway']!;
  const migrate = services['migrate']!;
  const proxy = services['proxy']!;

  it('runs two gateway replicas of the project image, unpublished, after MySQL, NATS and the migration', () => {
    expect(gateway).toMatchObject({ build: '.', image: 'kda-gateway:local', deploy: { replicas: 2 } });
    expect(gateway.ports).toBeUndefined();
    expect(gateway.depends_on).toEqual({
      migrate: { condition: 'service_completed_successfully' },
      mysql: { condition: 'service_healthy' },
      nats: { condition: 'service_healthy' },
      registry: { condition: 'service_healthy' },
    });
    // Shared state: every replica talks to the same database and bus.
    expect(gateway.environment).toMatchObject({ DATABASE_URL: 'mysql://root:kda@mysql:3306/kda', NATS_URL: 'nats://nats:4222', KDA_SIMULATOR: 'off' });
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['mysql', 'nats', 'registry']));
  });

  it('migrates once, with the image and database the gateways use, and the script the image ships', () => {
    expect(migrate).toMatchObject({ image: gateway.image, build: '.', command: ['node', 'dist/scripts/migrate.js', 'up'], restart: 'no' });
    expect(migrate.deploy?.replicas ?? 1).toBe(1);
    expect(migrate.ports).toBeUndefined();
    expect(migrate.environment?.['DATABASE_URL']).toBe(gateway.environment?.['DATABASE_URL']);
    expect(migrate.environment?.['KDA_SECRET_KEY']).toBe(gateway.environment?.['KDA_SECRET_KEY']);
    expect(migrate.depends_on).toEqual({ mysql: { condition: 'service_healthy' } });
    // The image compiles scripts/ into dist/scripts (tsconfig.build.json), as `npm run migration:run` uses it.
    const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['migration:run']).toContain('node dist/scripts/migrate.js up');
    expect((JSON.parse(readFileSync(path.join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include).toContain('scripts');
  });

  it('publishes one port, the proxy, which routes /graphql and its websocket upgrades to every replica', () => {
    expect(proxy.ports).toEqual(['4000:80']);
    expect(proxy.depends_on).toEqual({ gateway: { condition: 'service_healthy' } });
    const mount = proxy.volumes?.find((volume) => volume.endsWith(':/etc/nginx/nginx.conf:ro'));
    expect(mount).toBeDefined();
    const config = parseNginx(readFileSync(path.join(root, mount!.split(':')[0]!), 'utf8'));
    const http = only(config, 'http');
    // The replicas found through Docker's DNS, and found again when they restart.
    expect(only(http.children, 'resolver').args[0]).toBe('127.0.0.11');
    const upstream = only(http.children, 'upstream', 'gateway');
    expect(only(upstream.children, 'server').args).toEqual([`gateway:${gateway.environment?.['PORT']}`, 'resolve']);
    const upgradeMap = only(http.children, 'map', '$http_upgrade', '$connection_upgrade');
    expect(upgradeMap.children?.map((entry) => [entry.name, ...entry.args])).toEqual([
      ['default', 'upgrade'],
      ['', ''],
    ]);
    const server = only(http.children, 'server');
    expect(only(server.children, 'listen').args).toEqual(['80']);
    expect(only(server.children, 'proxy_http_version').args).toEqual(['1.1']);
    const graphql = only(server.children, 'location', '/graphql');
    expect(only(graphql.children, 'proxy_pass').args).toEqual(['http://gateway']);
    expect(headers(graphql)).toMatchObject({ Upgrade: '$http_upgrade', Connection: '$connection_upgrade', Host: '$http_host' });
    // A location with its own proxy_set_header inherits none: each must keep the Host the browser sent,
    // which the gateway compares with a websocket's Origin.
    for (const location of server.children!.filter((directive) => directive.name === 'location')) {
      expect({ location: location.args, host: headers(location)['Host'] }).toEqual({ location: location.args, host: '$http_host' });
      expect(only(location.children, 'proxy_pass').args).toEqual(['http://gateway']);
    }
  });

  it('gives the gateway image only environment variables the gateway reads', () => {
    const known = variablesTheGatewayReads();
    expect([...known]).toEqual(expect.arrayContaining(['DATABASE_URL', 'NATS_URL', 'KDA_ADMIN_TOKEN', 'KDA_SECRET_KEY', 'PORT']));
    const given = [gateway, migrate].flatMap((service) => Object.keys(service.environment ?? {}));
    expect(given.length).toBeGreaterThan(5);
    expect(given.filter((name) => !known.has(name))).toEqual([]);
    // The secrets come from .env, and the start fails with a clear message without them.
    expect(gateway.environment?.['KDA_ADMIN_TOKEN']).toMatch(/^\$\{KDA_ADMIN_TOKEN:\?.+\}$/);
    expect(migrate.environment?.['KDA_SECRET_KEY']).toMatch(/^\$\{KDA_SECRET_KEY:\?.+\}$/);
  });
});

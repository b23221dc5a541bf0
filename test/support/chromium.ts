/**
 * Headless Chromium driven over the DevTools protocol, for end-to-end tests of browser pages.
 * A small CDP client on `ws` keeps the tests free of a browser-automation dependency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { WebSocket, type RawData } from 'ws';

const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];
const STARTUP_TIMEOUT_MS = 30_000;
const COMMAND_TIMEOUT_MS = 30_000;

export class ChromiumNotInstalledError extends Error {
  constructor() {
    super('Chromium is not installed: apt-get install -y chromium');
    this.name = 'ChromiumNotInstalledError';
  }
}

/** CHROMIUM_PATH wins; otherwise the Debian locations. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH, ...CHROMIUM_CANDIDATES] : CHROMIUM_CANDIDATES;
  for (const candidate of candidates) {
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // try the next location
    }
  }
  throw new ChromiumNotInstalledError();
}

interface CdpMessage {
  readonly id?: number;
  readonly method?: string;
  readonly params?: Record<string, unknown>;
  readonly result?: Record<string, unknown>;
  readonly error?: { readonly message: string; readonly data?: string };
  readonly sessionId?: string;
}

export interface CdpEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly sessionId: string | undefined;
}

interface PendingCommand {
  readonly method: string;
  readonly resolve: (result: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** A message's text: ws hands over a Buffer (binaryType 'nodebuffer', the default); the other shapes for completeness. */
function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.isBuffer(data) ? data.toString() : Buffer.from(data).toString();
}

/** One websocket to the browser; page sessions are multiplexed on it ("flatten" mode). */
class CdpConnection {
  private nextId = 1;
  private readonly pending = new Map<number, PendingCommand>();
  private readonly listeners = new Set<(event: CdpEvent) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.dispatch(JSON.parse(textOf(data)) as CdpMessage));
    socket.on('close', () => this.failAll(new Error('DevTools connection closed')));
  }

  static async open(url: string): Promise<CdpConnection> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new CdpConnection(socket);
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`DevTools command ${method} got no answer within ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(id, { method, resolve: (result) => resolve(result as T), reject, timer });
      this.socket.send(JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) }));
    });
  }

  onEvent(listener: (event: CdpEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.socket.close();
  }

  private dispatch(message: CdpMessage): void {
    if (message.id !== undefined) {
      const pending = this.pending.get(message.id);
      if (pending === undefined) return;
      this.pending.delete(message.id);
      clearTimeout(pending.timer);
      if (message.error) pending.reject(new Error(`${pending.method}: ${message.error.message} ${message.error.data ?? ''}`.trim()));
      else pending.resolve(message.result ?? {});
      return;
    }
    if (message.method !== undefined) {
      const event: CdpEvent = { method: message.method, params: message.params ?? {}, sessionId: message.sessionId };
      for (const listener of this.listeners) listener(event);
    }
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.pending.clear();
  }
}

export interface PageRequest {
  readonly url: string;
  /** Document, Script, Fetch, WebSocket, ... as Chromium classifies it. */
  readonly type: string;
}

export interface PageLogEntry {
  readonly source: string;
  readonly level: string;
  readonly text: string;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

interface RemoteObject {
  readonly type: string;
  readonly value?: unknown;
  readonly description?: string;
}

interface EvaluateResult {
  readonly result: RemoteObject;
  readonly exceptionDetails?: { readonly text: string; readonly exception?: RemoteObject };
}

/** A tab. Everything it requests and logs is recorded from the moment it opens. */
export class ChromiumPage {
  /** Every request the page made, websockets included. */
  readonly requests: PageRequest[] = [];
  /** Console errors/warnings and browser log entries (CSP violations arrive here, source "security"). */
  readonly logEntries: PageLogEntry[] = [];
  /** Uncaught exceptions in the page. */
  readonly exceptions: string[] = [];
  private readonly stopListening: () => void;

  constructor(
    private readonly connection: CdpConnection,
    private readonly targetId: string,
    private readonly sessionId: string,
  ) {
    this.stopListening = connection.onEvent((event) => {
      if (event.sessionId === sessionId) this.record(event);
    });
  }

  send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    return this.connection.send<T>(method, params, this.sessionId);
  }

  /** Navigates and resolves once the load event fired. */
  async goto(url: string): Promise<void> {
    const loaded = this.nextEvent('Page.loadEventFired');
    const navigation = await this.send<{ errorText?: string }>('Page.navigate', { url });
    if (navigation.errorText) throw new Error(`Navigation to ${url} failed: ${navigation.errorText}`);
    await loaded;
  }

  /** Evaluates an expression in the page (promises awaited) and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const evaluation = await this.send<EvaluateResult>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
    if (evaluation.exceptionDetails) {
      const detail = evaluation.exceptionDetails.exception?.description ?? evaluation.exceptionDetails.text;
      throw new Error(`Page evaluation failed: ${detail}`);
    }
    return evaluation.result.value as T;
  }

  /** Polls the expression until it yields a truthy value, which is returned. */
  async waitFor<T>(expression: string, description: string, options: WaitOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const intervalMs = options.intervalMs ?? 50;
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = await this.evaluate<T>(expression);
        if (value) return value;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
        throw new Error(`Timed out waiting for ${description}${cause}`);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async screenshot(file: string): Promise<void> {
    const { data } = await this.send<{ data: string }>('Page.captureScreenshot', { format: 'png' });
    await writeFile(file, Buffer.from(data, 'base64'));
  }

  async close(): Promise<void> {
    this.stopListening();
    await this.connection.send('Target.closeTarget', { targetId: this.targetId });
  }

  private nextEvent(method: string): Promise<CdpEvent> {
    return new Promise((resolve) => {
      const stop = this.connection.onEvent((event) => {
        if (event.sessionId === this.sessionId && event.method === method) {
          stop();
          resolve(event);
        }
      });
    });
  }

  private record(event: CdpEvent): void {
    const params = event.params;
    switch (event.method) {
      case 'Network.requestWillBeSent': {
        const request = params.request as { url: string };
        this.requests.push({ url: request.url, type: typeof params.type === 'string' ? params.type : 'Other' });
        break;
      }
      case 'Network.webSocketCreated':
        this.requests.push({ url: String(params.url), type: 'WebSocket' });
        break;
      case 'Log.entryAdded': {
        const entry = params.entry as { source: string; level: string; text: string };
        this.logEntries.push({ source: entry.source, level: entry.level, text: entry.text });
        break;
      }
      case 'Runtime.consoleAPICalled': {
        const level = String(params.type);
        if (level === 'error' || level === 'warning') {
          const args = params.args as RemoteObject[];
          const text = args
            .map((arg) => (arg.value !== undefined ? (typeof arg.value === 'string' ? arg.value : JSON.stringify(arg.value)) : (arg.description ?? arg.type)))
            .join(' ');
          this.logEntries.push({ source: 'console', level, text });
        }
        break;
      }
      case 'Runtime.exceptionThrown': {
        const details = params.exceptionDetails as { text: string; exception?: RemoteObject };
        this.exceptions.push(details.exception?.description ?? details.text);
        break;
      }
      default:
        break;
    }
  }
}

export interface HeadlessChromium {
  /** Opens a blank tab with network, console and log recording on. */
  newPage(options?: { width?: number; height?: number }): Promise<ChromiumPage>;
  close(): Promise<void>;
}

function waitForDevToolsUrl(browser: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`Chromium did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)), STARTUP_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match?.[1]) finish(undefined, match[1]);
    };
    const onExit = (code: number | null): void => finish(new Error(`Chromium exited (code ${code}) before DevTools was ready:\n${output}`));
    function finish(error: Error | undefined, url?: string): void {
      clearTimeout(timer);
      browser.stderr?.off('data', onData);
      browser.off('exit', onExit);
      // Keep draining stderr so a chatty browser never blocks on a full pipe.
      browser.stderr?.resume();
      if (error) reject(error);
      else resolve(url ?? '');
    }
    browser.stderr?.on('data', onData);
    browser.once('exit', onExit);
  });
}

function waitForExit(browser: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (browser.exitCode !== null || browser.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      browser.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    browser.once('exit', onExit);
  });
}

/** Starts a fresh headless Chromium with its own throwaway profile. */
export async function launchChromium(): Promise<HeadlessChromium> {
  const executable = findChromium();
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'kda-chromium-'));
  const browser = spawn(
    executable,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--disable-dev-shm-usage',
      '--remote-debugging-port=0',
      '--remote-debugging-address=127.0.0.1',
      `--user-data-dir=${userDataDir}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );

  let connection: CdpConnection;
  try {
    connection = await CdpConnection.open(await waitForDevToolsUrl(browser));
  } catch (error) {
    browser.kill('SIGKILL');
    await waitForExit(browser, 5_000);
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }

  return {
    async newPage(options = {}) {
      const { targetId } = await connection.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await connection.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
      const page = new ChromiumPage(connection, targetId, sessionId);
      await Promise.all([page.send('Page.enable'), page.send('Network.enable'), page.send('Runtime.enable'), page.send('Log.enable')]);
      await page.send('Emulation.setDeviceMetricsOverride', {
        width: options.width ?? 1280,
        height: options.height ?? 800,
        deviceScaleFactor: 1,
        mobile: false,
      });
      return page;
    },
    async close() {
      try {
        await connection.send('Browser.close');
      } catch {
        // the browser may already be gone; the exit wait below settles it
      }
      connection.close();
      if (!(await waitForExit(browser, 10_000))) {
        browser.kill('SIGKILL');
        await waitForExit(browser, 5_000);
      }
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

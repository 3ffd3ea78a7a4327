/**
 * A fake Slack on 127.0.0.1: the Web API methods the bot calls, `response_url` endpoints, and a Socket
 * Mode WebSocket. It parses requests the way Slack does (form-encoded, nested fields JSON-stringified,
 * Bearer token), records every call, and rejects blocks that break Block Kit's limits like Slack would.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ApiCall {
  method: string;
  /** The Bearer token the call carried. */
  token?: string;
  args: Record<string, any>;
  /** What the fake answered. */
  result?: any;
}

export interface ResponseUrlCall {
  id: string;
  body: Record<string, any>;
}

/** Fields the Web API client JSON-stringifies inside the form body. */
const JSON_FIELDS = new Set(['blocks', 'view', 'attachments', 'metadata', 'files']);

/** A file uploaded through files.getUploadURLExternal → upload URL → files.completeUploadExternal. */
export interface FakeFile {
  id: string;
  filename: string;
  length: number;
  altText?: string;
  /** The bytes posted to the upload URL (inside the client's form body). */
  bytes?: Buffer;
  title?: string;
  completed: boolean;
  /** Where files.completeUploadExternal shared it; none: private to the bot. */
  channel?: string;
  threadTs?: string;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export const BOT_USER_ID = 'U0BOT';
export const BOT_ID = 'B0BOT';
export const TEAM_ID = 'T0TEAM';

/** What the fake sends back: a status, headers and a JSON body, or nothing at all (a hung API). */
interface Reply { status: number; headers?: Record<string, string>; body?: unknown }
const HANG = Symbol('hang');

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponseUrlCall[] = [];
  /** Frames the bot sent over Socket Mode (acks: `{envelope_id, payload}`). */
  readonly socketFrames: any[] = [];
  /** Locale users.info reports per user id; absent means Slack gives none. */
  readonly locales = new Map<string, string>();
  /** Files by id, as uploaded. */
  readonly files = new Map<string, FakeFile>();
  private readonly failures = new Map<string, string>();
  /** Per method (or `response_url`): answer only after this many ms. */
  readonly delays = new Map<string, number>();
  private readonly hung = new Set<string>();
  private readonly rateLimits: { method: string; channel?: string; retryAfterS: number; times: number }[] = [];
  private openRequests = 0;
  /** The most requests the fake has held open at once (a measure of the bot's open sockets). */
  maxOpenRequests = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private sockets: WebSocket[] = [];
  private tsCounter = 1_700_000_000;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSlack> {
    const server = createServer();
    const fake = new FakeSlack(server);
    server.on('request', (req, res) => {
      fake.maxOpenRequests = Math.max(fake.maxOpenRequests, ++fake.openRequests);
      res.once('close', () => fake.openRequests--);
      fake.onRequest(req).then(
        (reply) => {
          if (reply === HANG) return;
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body));
        },
        (err) => res.writeHead(500).end(String(err)),
      );
    });
    server.on('upgrade', (req, socket, head) => {
      fake.wss.handleUpgrade(req, socket, head, (ws) => fake.onSocket(ws));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  get origin(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** SLACK_API_URL for the bot (with the trailing slash the client needs). */
  get apiUrl(): string {
    return `${this.origin}/api/`;
  }

  /** A `response_url` Slack would put in a payload. */
  responseUrl(id: string): string {
    return `${this.origin}/response/${id}`;
  }

  /** Makes `method` answer `{ok:false, error}` until `clearFailures()`. */
  fail(method: string, error: string): void {
    this.failures.set(method, error);
  }

  clearFailures(): void {
    this.failures.clear();
    this.delays.clear();
    this.hung.clear();
    this.rateLimits.length = 0;
  }

  /** Makes `method` (or `response_url`) never answer, until `clearFailures()`; the calls are still recorded. */
  hang(method: string): void {
    this.hung.add(method);
  }

  /** The next `times` calls to `method` (for `channel`, if given) get HTTP 429 with `Retry-After`. */
  rateLimit(method: string, retryAfterS: number, times = 1, channel?: string): void {
    this.rateLimits.push({ method, channel, retryAfterS, times });
  }

  /** Calls answered with HTTP 429 so far. */
  get rateLimitedCalls(): number {
    return this.calls.filter((c) => c.result?.error === 'ratelimited').length;
  }

  /** Requests the fake holds open right now. */
  get openRequestCount(): number {
    return this.openRequests;
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves with what `pick` finds, re-checking on every recorded call (and every 25 ms for outside state). */
  async waitFor<T>(pick: () => T | undefined, what = 'a call', timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = pick();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Slack: timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 25));
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  waitForCall(method: string, n = 1): Promise<ApiCall> {
    return this.waitFor(() => this.callsTo(method)[n - 1], `call #${n} to ${method}`);
  }

  waitForResponse(id: string, n = 1): Promise<ResponseUrlCall> {
    return this.waitFor(() => this.responses.filter((r) => r.id === id)[n - 1], `response_url ${id} #${n}`);
  }

  /** Sends a Socket Mode envelope to every connected bot. */
  sendEnvelope(envelope: Record<string, unknown>): void {
    for (const ws of this.sockets) ws.send(JSON.stringify(envelope));
  }

  /** Number of Socket Mode connections open now. */
  get socketCount(): number {
    return this.sockets.length;
  }

  /** Drops every Socket Mode connection from the server side (a network drop, a Slack restart). */
  dropSockets(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  /** Until a Socket Mode connection is open (and greeted): an earlier bot's closed one does not count. */
  waitForSocket(): Promise<void> {
    return this.waitFor(() => (this.sockets.length > 0 ? true : undefined), 'a Socket Mode connection').then(() => undefined);
  }

  waitForAck(envelopeId: string): Promise<any> {
    return this.waitFor(() => this.socketFrames.find((f) => f.envelope_id === envelopeId), `ack of ${envelopeId}`);
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(() => r(undefined)));
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.push(ws);
    ws.on('message', (data) => {
      this.socketFrames.push(JSON.parse(String(data)));
      this.notify();
    });
    ws.on('close', () => { this.sockets = this.sockets.filter((s) => s !== ws); });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A0APP' } }));
    this.notify();
  }

  /** The PNG an upload carried, as Slack would store it. */
  uploadedPng(fileId: string): Buffer | undefined {
    const bytes = this.files.get(fileId)?.bytes;
    return bytes?.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE) ? bytes : undefined;
  }

  private async onRequest(req: IncomingMessage): Promise<Reply | typeof HANG> {
    const buffer = await readBody(req);
    const raw = buffer.toString('utf8');
    const path = (req.url ?? '/').split('?')[0];
    const method = path.startsWith('/response/') ? 'response_url' : path.startsWith('/upload/') ? 'upload' : path.replace(/^\/api\//, '');
    const delay = this.delays.get(method);
    if (delay) await new Promise((r) => setTimeout(r, delay));
    // A client that hung up while the fake was slow never got its message through.
    if (req.socket.destroyed) return HANG;
    if (method === 'upload') {
      const file = this.files.get(path.slice('/upload/'.length));
      if (!file || file.completed) return { status: 200, body: { ok: false, error: 'invalid_upload' } };
      file.bytes = fileContent(req.headers['content-type'] ?? '', buffer);
      this.calls.push({ method: 'upload', args: { fileId: file.id, bytes: buffer.length } });
      this.notify();
      return { status: 200, body: { ok: true } };
    }
    if (method === 'response_url') {
      const body = JSON.parse(raw);
      this.responses.push({ id: path.slice('/response/'.length), body });
      this.notify();
      if (this.hung.has(method)) return HANG;
      const errors = body.blocks ? [...blockKitViolations(body.blocks), ...this.unshownFiles(body.blocks)] : [];
      return { status: 200, body: errors.length ? { ok: false, error: 'invalid_blocks', errors } : { ok: true } };
    }
    const args = parseArgs(req.headers['content-type'] ?? '', raw);
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? (args.token as string | undefined);
    const call: ApiCall = { method, token, args };
    this.calls.push(call);
    if (this.hung.has(method)) {
      this.notify();
      return HANG;
    }
    const limit = this.rateLimits.find((l) => l.method === method && l.times > 0 && (!l.channel || l.channel === args.channel));
    if (limit) {
      limit.times--;
      call.result = { ok: false, error: 'ratelimited' };
      this.notify();
      return { status: 429, headers: { 'retry-after': String(limit.retryAfterS) }, body: call.result };
    }
    const failure = this.failures.get(method);
    call.result = failure ? { ok: false, error: failure } : this.answer(method, args);
    this.notify();
    return { status: 200, body: call.result };
  }

  private answer(method: string, args: Record<string, any>): unknown {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'iiot', team_id: TEAM_ID, user_id: BOT_USER_ID, bot_id: BOT_ID };
      case 'apps.connections.open':
        return { ok: true, url: `${this.origin.replace(/^http/, 'ws')}/link/?ticket=fake` };
      case 'files.getUploadURLExternal': {
        const length = Number(args.length);
        if (!args.filename || !(length > 0)) return { ok: false, error: 'invalid_arguments' };
        const id = `F0FAKE${this.files.size + 1}`;
        this.files.set(id, { id, filename: args.filename, length, altText: args.alt_text, completed: false });
        return { ok: true, upload_url: `${this.origin}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const listed: { id: string; title?: string }[] = Array.isArray(args.files) ? args.files : [];
        const files = listed.map((f) => this.files.get(f.id));
        if (files.length === 0 || files.some((f) => !f?.bytes)) return { ok: false, error: 'file_not_found' };
        for (const [i, f] of files.entries()) Object.assign(f!, { completed: true, title: listed[i].title, channel: args.channel_id, threadTs: args.thread_ts });
        return { ok: true, files: files.map((f) => ({ id: f!.id, name: f!.filename, title: f!.title, mimetype: 'image/png' })) };
      }
      case 'chat.postMessage':
      case 'chat.update': {
        const errors = [...blockKitViolations(args.blocks ?? []), ...this.unshownFiles(args.blocks ?? [], args.channel)];
        if (errors.length) return { ok: false, error: 'invalid_blocks', errors };
        const ts = method === 'chat.update' ? args.ts : `${this.tsCounter++}.000100`;
        return { ok: true, channel: args.channel, ts, message: { text: args.text, blocks: args.blocks, ts } };
      }
      case 'views.publish': {
        const errors = blockKitViolations(args.view?.blocks ?? [], { maxBlocks: 100, maxChars: Infinity });
        if (errors.length) return { ok: false, error: 'invalid_arguments', errors };
        return { ok: true, view: { id: 'V0HOME', type: 'home', blocks: args.view?.blocks } };
      }
      case 'users.info': {
        const locale = this.locales.get(args.user);
        return { ok: true, user: { id: args.user, name: 'someone', ...(locale && args.include_locale === 'true' ? { locale } : {}) } };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /**
   * An image block may name only a completed file the message's readers can see: one shared into
   * `channel` (a response_url message's channel is not known here: shared into some channel). A file
   * uploaded into no channel is the bot's alone, and Slack refuses it as `invalid_blocks`
   * (java-slack-sdk#1349, bolt-python#1251).
   */
  private unshownFiles(blocks: any[], channel?: string): string[] {
    return (Array.isArray(blocks) ? blocks : [])
      .filter((b) => b?.type === 'image' && b.slack_file)
      .flatMap((b) => {
        const file = this.files.get(b.slack_file.id);
        if (!file?.completed) return [`image block names unknown or unfinished file ${b.slack_file.id}`];
        if (!file.channel || (channel && file.channel !== channel)) return [`image block names file ${file.id}, not shared into ${channel ?? 'any channel'}`];
        return [];
      });
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The file in an upload: the raw body, or the form part the client put it in. */
function fileContent(contentType: string, body: Buffer): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!contentType.startsWith('multipart/form-data') || !boundary) return body;
  const text = body.toString('latin1');
  for (const part of text.split(`--${boundary[1] ?? boundary[2]}`)) {
    const start = part.indexOf('\r\n\r\n');
    if (start >= 0 && /filename=|name="(file|body)"/.test(part.slice(0, start))) {
      return Buffer.from(part.slice(start + 4).replace(/\r\n$/, ''), 'latin1');
    }
  }
  return body;
}

function parseArgs(contentType: string, raw: string): Record<string, any> {
  if (contentType.startsWith('application/json')) return raw ? JSON.parse(raw) : {};
  const args: Record<string, any> = {};
  for (const [key, value] of new URLSearchParams(raw)) args[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
  return args;
}

export interface LimitOptions {
  maxBlocks?: number;
  /** Budget for the JSON of all blocks; Slack fails near 13.2k, the renderer promises 12k. */
  maxChars?: number;
}

/**
 * Checks blocks against Block Kit's documented limits (PLATFORMS.md A6), written from the docs rather
 * than from the renderer. Also flags mrkdwn that is not inert: the bot never sends links or mentions,
 * so any `<` or bare `&` in mrkdwn means something was not escaped.
 */
export function blockKitViolations(blocks: any[], opts: LimitOptions = {}): string[] {
  const maxBlocks = opts.maxBlocks ?? 50;
  const maxChars = opts.maxChars ?? 12_000;
  const errors: string[] = [];
  const err = (i: number, msg: string) => errors.push(`block ${i}: ${msg}`);
  if (!Array.isArray(blocks)) return ['blocks is not an array'];
  if (blocks.length > maxBlocks) errors.push(`${blocks.length} blocks > ${maxBlocks}`);
  const chars = JSON.stringify(blocks).length;
  if (chars > maxChars) errors.push(`blocks JSON is ${chars} characters > ${maxChars}`);
  const actionIds = new Set<string>();
  const text = (i: number, t: any, max: number, what: string, type?: string) => {
    if (!t || typeof t.text !== 'string') return err(i, `${what} has no text`);
    if (type && t.type !== type) err(i, `${what} must be ${type}`);
    if (t.text.length < 1 || t.text.length > max) err(i, `${what} length ${t.text.length} not in 1..${max}`);
    if (t.type === 'mrkdwn') {
      if (t.text.includes('<') || t.text.includes('>')) err(i, `${what} has unescaped < or >: ${t.text.slice(0, 80)}`);
      if (/&(?!amp;|lt;|gt;)/.test(t.text)) err(i, `${what} has a bare &: ${t.text.slice(0, 80)}`);
    }
  };
  blocks.forEach((b, i) => {
    if (b.block_id !== undefined && String(b.block_id).length > 255) err(i, 'block_id > 255');
    switch (b.type) {
      case 'header':
        text(i, b.text, 150, 'header', 'plain_text');
        break;
      case 'section':
        if (!b.text && !b.fields) err(i, 'section needs text or fields');
        if (b.text) text(i, b.text, 3000, 'section text');
        if (b.fields) {
          if (b.fields.length < 1 || b.fields.length > 10) err(i, `${b.fields.length} fields not in 1..10`);
          b.fields.forEach((f: any) => text(i, f, 2000, 'field'));
        }
        break;
      case 'context':
        if (!b.elements?.length || b.elements.length > 10) err(i, 'context needs 1..10 elements');
        for (const e of b.elements ?? []) if (e.type !== 'image') text(i, e, 3000, 'context element');
        break;
      case 'actions':
        if (!b.elements?.length || b.elements.length > 25) err(i, `actions has ${b.elements?.length} elements, not 1..25`);
        for (const e of b.elements ?? []) {
          if (e.type !== 'button') { err(i, `unexpected element ${e.type}`); continue; }
          text(i, e.text, 75, 'button text', 'plain_text');
          if (e.value !== undefined && (e.value.length < 1 || e.value.length > 2000)) err(i, `button value length ${e.value.length} not in 1..2000`);
          if (e.url !== undefined && e.url.length > 3000) err(i, 'button url > 3000');
          if (!e.action_id || e.action_id.length > 255) err(i, 'button action_id missing or > 255');
          else if (actionIds.has(e.action_id)) err(i, `duplicate action_id ${e.action_id}`);
          else actionIds.add(e.action_id);
          if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') err(i, `bad style ${e.style}`);
        }
        break;
      case 'image':
        // Exactly one of a public image_url and a Slack-hosted slack_file ({id} or {url}).
        if (!!b.image_url === !!b.slack_file) err(i, 'image needs exactly one of image_url and slack_file');
        if (b.image_url !== undefined && (typeof b.image_url !== 'string' || b.image_url.length > 3000)) err(i, 'image_url > 3000');
        if (b.slack_file !== undefined && !b.slack_file.id === !b.slack_file.url) err(i, 'slack_file needs exactly one of id and url');
        if (!b.alt_text || b.alt_text.length > 2000) err(i, 'alt_text missing or > 2000');
        break;
      case 'divider':
        break;
      default:
        err(i, `unknown block type ${b.type}`);
    }
  });
  return errors;
}

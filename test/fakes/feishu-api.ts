/**
 * A fake Feishu Open API on 127.0.0.1, enough for the bot: tenant token, bot info, message reply and
 * create (with Feishu's one-message-per-uuid rule and its card checks), image upload, and the long
 * connection (`/callback/ws/endpoint` → a local WebSocket speaking node-sdk's protobuf frames), and
 * the app slash commands (`/open-apis/application/v7/app_slash_commands`, with their scopes).
 * Every HTTP call is recorded; tests assert on what a user would see: the cards delivered.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface RecordedCall {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Bearer token the call carried. */
  token?: string;
  /** Parsed JSON body, or a summary for multipart uploads. */
  body: any;
  status: number;
  /** When the call arrived (epoch ms). */
  at: number;
}

/** A message Feishu would show (first call per uuid). */
export interface DeliveredMessage {
  kind: 'reply' | 'create';
  /** The message replied to (reply), or the receiver (create). */
  target: string;
  receiveIdType?: string;
  msgType: string;
  card: any;
  uuid?: string;
  messageId: string;
}

interface Failure { match: RegExp; status: number; body: unknown; times: number; headers?: Record<string, string> }

/** An app slash command as Feishu lists it. */
export interface FakeSlashCommand {
  command_id: string;
  command: string;
  description: { default_value?: string; i18n?: Record<string, string> };
  icon: { icon_key: string };
  create_time: string;
}

const SLASH_COMMANDS = '/open-apis/application/v7/app_slash_commands';

export const FAKE_BOT_OPEN_ID = 'ou_bot0000000000000000000000000001';
const MAX_CARD_BODY_BYTES = 30 * 1024;


// ---- node-sdk's own protobuf frame type (pbbp2.Frame), taken from the protobufjs root it registers on ----
interface FrameHeader { key: string; value: string }
export interface Frame { SeqID: number; LogID: number; service: number; method: number; headers: FrameHeader[]; payload?: Uint8Array }
interface FrameCodec { encode(f: Frame): { finish(): Uint8Array }; decode(b: Uint8Array): Frame }

function frameCodec(): FrameCodec {
  const require = createRequire(import.meta.url);
  const sdkMain = require.resolve('@larksuiteoapi/node-sdk');
  require(sdkMain); // registers pbbp2 on protobufjs' default root
  const pb = createRequire(sdkMain)('protobufjs/minimal') as { roots: Record<string, any> };
  const codec = pb.roots.default?.pbbp2?.Frame as FrameCodec | undefined;
  if (!codec) throw new Error('node-sdk did not register pbbp2.Frame on protobufjs roots.default');
  return codec;
}

export class FakeFeishu {
  readonly calls: RecordedCall[] = [];
  readonly delivered: DeliveredMessage[] = [];
  /** Cards put into messages already sent (PATCH /im/v1/messages/:id), in order. */
  readonly patched: { messageId: string; card: any }[] = [];
  /** Image keys handed out by the upload, with the bytes' size. */
  readonly images = new Map<string, Buffer>();
  /** Frames the bot sent over the long connection (pings, acks). */
  readonly wsFrames: Frame[] = [];
  botOpenId = FAKE_BOT_OPEN_ID;
  /** Delay before answering message reply/create, to play a slow Feishu. */
  sendDelayMs = 0;
  /** Delay before answering an image upload. */
  imageDelayMs = 0;
  /** App secret the token endpoint accepts (any when undefined). */
  appSecret?: string;
  /** When set, `/callback/ws/endpoint` refuses with this code (e.g. long connection not enabled). */
  wsEndpointCode?: number;
  /** Ping interval (seconds) the fake's ClientConfig and pongs tell the client to use. */
  pingIntervalSec = 120;
  /** Connections that no longer answer pings (a half-open socket after a network sleep). */
  private readonly silent = new WeakSet<WebSocket>();
  /** The app's slash commands (at most 100, as Feishu allows). */
  readonly slashCommands: FakeSlashCommand[] = [];
  /** Slash-command scopes granted to the app; a call without the one it needs gets code 99991672. */
  slashCommandScopes = new Set<'read' | 'write'>(['read', 'write']);
  private readonly failures: Failure[] = [];
  private readonly hung: RegExp[] = [];
  private openRequests = 0;
  /** The most requests the fake has held open at once (a measure of the bot's open sockets). */
  maxOpenRequests = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  /**
   * The connections whose client has sent its first ping. node-sdk's WSClient pings on 'open' but
   * attaches its frame listener a few promise hops later, so a frame sent to a connection the moment
   * it opens can reach the client before anyone listens, and is lost (seen under load in CI).
   */
  private readonly listening = new Set<WebSocket>();
  private readonly ackWaiters = new Map<string, (payload: any) => void>();
  private readonly uuids = new Map<string, string>();
  private codec?: FrameCodec;
  private seq = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeFeishu> {
    const server = createServer();
    const fake = new FakeFeishu(server);
    server.on('request', (req, res) => {
      fake.maxOpenRequests = Math.max(fake.maxOpenRequests, ++fake.openRequests);
      res.once('close', () => fake.openRequests--);
      fake.onRequest(req, res).catch((err) => res.writeHead(500).end(String(err)));
    });
    server.on('upgrade', (req, socket, head) => {
      if (!req.url?.startsWith('/ws')) return socket.destroy();
      fake.wss.handleUpgrade(req, socket, head, (ws) => fake.onSocket(ws));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return fake;
  }

  /** What FEISHU_DOMAIN points at. */
  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Makes the next `times` calls whose path matches answer with this status/body. */
  fail(match: RegExp, status: number, body: unknown = { code: 99991663, msg: 'fake failure' }, times = 1, headers?: Record<string, string>): void {
    this.failures.push({ match, status, body, times, headers });
  }

  /** Makes every call whose path matches never answer (recorded, then held open) until `reset()`. */
  hang(match: RegExp): void {
    this.hung.push(match);
  }

  /** Requests the fake holds open right now. */
  get openRequestCount(): number {
    return this.openRequests;
  }

  /** Resolves when `predicate` holds (checked after every call), or rejects after `timeoutMs`. */
  async waitFor(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the fake Feishu');
      await new Promise<void>((r) => {
        const t = setTimeout(r, 50);
        this.waiters.push(() => { clearTimeout(t); r(); });
      });
    }
  }

  callsTo(path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => path.test(c.path));
  }

  reset(): void {
    this.calls.length = 0;
    this.delivered.length = 0;
    this.patched.length = 0;
    this.wsFrames.length = 0;
    this.failures.length = 0;
    this.hung.length = 0;
    this.sendDelayMs = 0;
    this.imageDelayMs = 0;
    this.slashCommands.length = 0;
    this.slashCommandScopes = new Set(['read', 'write']);
    this.maxOpenRequests = 0;
  }

  /** Adds a slash command as if made in another way (another tool, another bot's code). */
  addSlashCommand(command: string, description: FakeSlashCommand['description']): FakeSlashCommand {
    const made = { command_id: `7${String(++this.seq).padStart(18, '0')}`, command, description, icon: { icon_key: 'skill_outlined' }, create_time: String(Math.floor(Date.now() / 1000)) };
    this.slashCommands.push(made);
    return made;
  }

  // ---------------- HTTP ----------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await readAll(req);
    const contentType = req.headers['content-type'] ?? '';
    let body: any;
    if (contentType.startsWith('multipart/form-data')) body = summariseMultipart(raw, contentType);
    else if (raw.length > 0) {
      try { body = JSON.parse(raw.toString('utf8')); } catch { body = raw.toString('utf8'); }
    }
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      token: /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1],
      body,
      status: 200,
      at: Date.now(),
    };
    if (this.hung.some((m) => m.test(call.path))) {
      call.status = 0;
      this.calls.push(call);
      this.waiters.splice(0).forEach((w) => w());
      return;
    }
    const [status, answer, type, headers] = await this.route(call, raw, () => req.socket.destroyed);
    call.status = status;
    this.calls.push(call);
    res.writeHead(status, { 'content-type': type ?? 'application/json; charset=utf-8', ...headers }).end(Buffer.isBuffer(answer) ? answer : JSON.stringify(answer));
    this.waiters.splice(0).forEach((w) => w());
  }

  private async route(call: RecordedCall, raw: Buffer, clientGone: () => boolean): Promise<[number, unknown, string?, Record<string, string>?]> {
    const failure = this.failures.find((f) => f.match.test(call.path) && f.times > 0);
    if (failure) {
      failure.times--;
      return [failure.status, failure.body, undefined, failure.headers];
    }
    const p = call.path;
    if (p === '/open-apis/auth/v3/tenant_access_token/internal' && call.method === 'POST') {
      if (this.appSecret !== undefined && call.body?.app_secret !== this.appSecret) return [200, { code: 10014, msg: 'app secret invalid' }];
      return [200, { code: 0, msg: 'ok', tenant_access_token: `t-${call.body?.app_id}`, expire: 7200 }];
    }
    if (p === '/callback/ws/endpoint' && call.method === 'POST') {
      if (this.wsEndpointCode !== undefined) return [200, { code: this.wsEndpointCode, msg: 'long connection refused', data: {} }];
      if (this.appSecret !== undefined && call.body?.AppSecret !== this.appSecret) return [200, { code: 514, msg: 'auth failed', data: {} }];
      const ws = this.origin.replace(/^http/, 'ws');
      return [200, {
        code: 0,
        msg: 'ok',
        data: {
          URL: `${ws}/ws?device_id=fake-device&service_id=7`,
          ClientConfig: { PingInterval: this.pingIntervalSec, ReconnectCount: 2, ReconnectInterval: 1, ReconnectNonce: 0 },
        },
      }];
    }
    // Everything below needs the tenant token the fake handed out.
    if (!call.token?.startsWith('t-')) return [401, { code: 99991661, msg: 'missing access token' }];
    if (p === SLASH_COMMANDS || p.startsWith(`${SLASH_COMMANDS}/`)) return this.slashCommandRoute(call);
    if (p === '/open-apis/bot/v3/info' && call.method === 'GET') {
      return [200, { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: 'iiot', avatar_url: '', ip_white_list: [], open_id: this.botOpenId } }];
    }
    if (p === '/open-apis/im/v1/images' && call.method === 'POST') {
      if (!call.body?.fields?.includes('image') || call.body?.imageType !== 'message') return [400, { code: 234001, msg: 'invalid image upload' }];
      if (this.imageDelayMs) await new Promise((r) => setTimeout(r, this.imageDelayMs));
      const key = `img_v3_fake_${++this.seq}`;
      this.images.set(key, call.body.image ?? Buffer.alloc(0));
      return [200, { code: 0, msg: 'ok', data: { image_key: key } }];
    }
    const patch = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(p);
    if (patch && call.method === 'PATCH') {
      const card = safeJson(call.body?.content);
      const problems = [...cardViolations(card), ...this.unknownImages(card)];
      if (problems.length) return [400, { code: 230099, msg: `card invalid: ${problems.join('; ')}` }];
      if (!this.delivered.some((d) => d.messageId === patch[1])) return [400, { code: 230001, msg: 'message not found' }];
      this.patched.push({ messageId: patch[1], card });
      return [200, { code: 0, msg: 'ok' }];
    }
    const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(p);
    if ((reply || p === '/open-apis/im/v1/messages') && call.method === 'POST') {
      if (this.sendDelayMs) await new Promise((r) => setTimeout(r, this.sendDelayMs));
      // A client that hung up while the fake was slow never got its message through.
      if (clientGone()) return [499, { code: 499, msg: 'client closed the request' }];
      if (raw.length > MAX_CARD_BODY_BYTES) return [400, { code: 230025, msg: 'message content is too long' }];
      const problems = call.body?.msg_type === 'interactive' ? [...cardViolations(safeJson(call.body.content)), ...this.unknownImages(safeJson(call.body.content))] : [];
      if (problems.length) return [400, { code: 230099, msg: `card invalid: ${problems.join('; ')}` }];
      const uuid: string | undefined = call.body?.uuid;
      const existing = uuid ? this.uuids.get(uuid) : undefined;
      if (existing) return [200, { code: 0, msg: 'ok', data: { message_id: existing } }];
      const messageId = `om_sent_${++this.seq}`;
      if (uuid) this.uuids.set(uuid, messageId);
      this.delivered.push({
        kind: reply ? 'reply' : 'create',
        target: reply ? reply[1] : call.body?.receive_id,
        receiveIdType: reply ? undefined : call.query.receive_id_type,
        msgType: call.body?.msg_type,
        card: safeJson(call.body?.content),
        uuid,
        messageId,
      });
      return [200, { code: 0, msg: 'ok', data: { message_id: messageId, msg_type: call.body?.msg_type } }];
    }
    return [404, { code: 404, msg: `fake Feishu has no ${call.method} ${p}` }];
  }

  /** An `img` may only name a key this fake handed out. */
  unknownImages(card: any): string[] {
    const keys: string[] = [];
    const visit = (v: any): void => {
      if (Array.isArray(v)) return v.forEach(visit);
      if (!v || typeof v !== 'object') return;
      if (v.tag === 'img') keys.push(v.img_key);
      Object.values(v).forEach(visit);
    };
    visit(card?.body);
    return keys.filter((k) => !this.images.has(k)).map((k) => `unknown image_key ${k}`);
  }

  /**
   * List, create, update, delete (PLATFORMS.md B9): `command` without a slash, unique per app
   * (40000000 otherwise); PATCH is partial, but a supplied i18n map replaces the whole map.
   */
  private slashCommandRoute(call: RecordedCall): [number, unknown] {
    const need = call.method === 'GET' ? 'read' : 'write';
    if (!this.slashCommandScopes.has(need)) {
      const scope = `application:app_slash_command:${need}`;
      return [400, { code: 99991672, msg: `Access denied. One of the following scopes is required: [${scope}].`, error: { permission_violations: [{ type: 'action_scope_required', subject: scope }] } }];
    }
    const id = call.path.slice(SLASH_COMMANDS.length + 1);
    const body = call.body ?? {};
    const ok = (data: unknown): [number, unknown] => [200, { code: 0, msg: 'success', data }];
    const invalid = (msg: string): [number, unknown] => [400, { code: 40000000, msg }];
    if (!id && call.method === 'GET') return ok({ items: this.slashCommands });
    if (!id && call.method === 'POST') {
      if (typeof body.command !== 'string' || !/^[^/\s]\S*$/.test(body.command)) return invalid('invalid command');
      if (typeof body.description?.default_value !== 'string' || !body.description.default_value) return invalid('description.default_value is required');
      if (this.slashCommands.some((c) => c.command === body.command)) return invalid('command already exists');
      if (this.slashCommands.length >= 100) return invalid('too many commands');
      const made = this.addSlashCommand(body.command, body.description);
      if (body.icon?.icon_key) made.icon = { icon_key: body.icon.icon_key };
      return ok(made);
    }
    const found = this.slashCommands.find((c) => c.command_id === id);
    if (!found) return [400, { code: 40000004, msg: 'command not found' }];
    if (call.method === 'PATCH') {
      if (body.command !== undefined && body.command !== found.command) return invalid('command cannot be renamed');
      if (body.description) {
        found.description = {
          default_value: body.description.default_value ?? found.description.default_value,
          i18n: body.description.i18n ?? found.description.i18n,
        };
      }
      return ok(found);
    }
    if (call.method === 'DELETE') {
      this.slashCommands.splice(this.slashCommands.indexOf(found), 1);
      return ok({});
    }
    return [404, { code: 404, msg: `fake Feishu has no ${call.method} ${call.path}` }];
  }

  // ---------------- long connection ----------------

  get connections(): number {
    return this.sockets.size;
  }

  private onSocket(ws: WebSocket): void {
    this.codec ??= frameCodec();
    this.sockets.add(ws);
    ws.on('close', () => { this.sockets.delete(ws); this.listening.delete(ws); });
    ws.on('message', (data: Buffer) => {
      const frame = this.codec!.decode(new Uint8Array(data));
      this.wsFrames.push(frame);
      const type = frame.headers.find((h) => h.key === 'type')?.value;
      if (frame.method === 0 && type === 'ping') {
        this.listening.add(ws);
        if (this.silent.has(ws)) return;
        this.sendFrame(ws, { ...frame, headers: [{ key: 'type', value: 'pong' }], payload: Buffer.from(JSON.stringify({ PingInterval: this.pingIntervalSec, ReconnectCount: 2, ReconnectInterval: 1, ReconnectNonce: 0 })) });
        return;
      }
      const id = frame.headers.find((h) => h.key === 'message_id')?.value;
      const waiter = id ? this.ackWaiters.get(id) : undefined;
      if (waiter && frame.payload) {
        this.ackWaiters.delete(id!);
        waiter(JSON.parse(Buffer.from(frame.payload).toString('utf8')));
      }
    });
  }

  private sendFrame(ws: WebSocket, frame: Frame): void {
    ws.send(this.codec!.encode(frame).finish());
  }

  /**
   * Pushes an event (the plain v2.0 envelope: no encryption on the long connection) as a data frame
   * and resolves with the client's ack payload: `{code, data?}`, `data` being the base64 JSON of the
   * handler's return value (a card-callback response).
   */
  async pushEvent(envelope: unknown, timeoutMs = 3000): Promise<{ code: number; data?: string; ms: number; result?: any }> {
    if (this.sockets.size === 0) throw new Error('no long connection to the fake Feishu');
    await this.waitFor(() => this.listening.size > 0, timeoutMs).catch(() => {
      throw new Error('the long connection to the fake Feishu never pinged');
    });
    const ws = [...this.listening][0]!;
    const id = `msg_${++this.seq}`;
    const started = Date.now();
    const ack = new Promise<any>((resolve, reject) => {
      const t = setTimeout(() => { this.ackWaiters.delete(id); reject(new Error(`no ack for ${id}`)); }, timeoutMs);
      this.ackWaiters.set(id, (p) => { clearTimeout(t); resolve(p); });
    });
    this.sendFrame(ws, {
      SeqID: 0,
      LogID: 0,
      service: 7,
      method: 1,
      headers: [
        { key: 'type', value: 'event' },
        { key: 'message_id', value: id },
        { key: 'sum', value: '1' },
        { key: 'seq', value: '0' },
        { key: 'trace_id', value: `trace-${id}` },
      ],
      payload: Buffer.from(JSON.stringify(envelope)),
    });
    const payload = await ack;
    const result = payload.data ? JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) : undefined;
    return { ...payload, ms: Date.now() - started, result };
  }

  /** The connections open now stop answering pings but stay open (new ones answer). */
  silenceConnections(): void {
    for (const ws of this.sockets) this.silent.add(ws);
  }

  /** Drops every long connection from the server side (as a Feishu restart would). */
  dropConnections(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(() => r(undefined)));
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function safeJson(s: unknown): any {
  try {
    return typeof s === 'string' ? JSON.parse(s) : s;
  } catch {
    return undefined;
  }
}

/** Just enough multipart parsing to check what was uploaded. */
function summariseMultipart(raw: Buffer, contentType: string): { fields: string[]; imageType?: string; imageBytes?: number; image?: Buffer } {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1];
  if (!boundary) return { fields: [] };
  const text = raw.toString('latin1');
  const fields: string[] = [];
  let imageType: string | undefined;
  let imageBytes: number | undefined;
  let image: Buffer | undefined;
  for (const part of text.split(`--${boundary}`)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    if (!name) continue;
    fields.push(name);
    const value = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
    if (name === 'image_type') imageType = value;
    if (name === 'image') {
      image = Buffer.from(value, 'latin1');
      imageBytes = image.length;
    }
  }
  return { fields, imageType, imageBytes, image };
}

// ---------------- card JSON 2.0 checks (what Feishu rejects: 2.0 refuses unknown properties) ----------------

const TEMPLATES = new Set(['blue', 'wathet', 'turquoise', 'green', 'yellow', 'orange', 'red', 'carmine', 'violet', 'purple', 'indigo', 'grey', 'default']);
const ALLOWED: Record<string, Set<string>> = {
  markdown: new Set(['tag', 'content', 'text_size', 'text_align', 'element_id', 'margin', 'icon']),
  plain_text: new Set(['tag', 'content', 'text_size', 'text_color', 'text_align', 'lines', 'i18n_content']),
  button: new Set(['tag', 'text', 'type', 'size', 'width', 'behaviors', 'icon', 'hover_tips', 'disabled', 'disabled_tips', 'confirm', 'margin', 'element_id']),
  column_set: new Set(['tag', 'columns', 'flex_mode', 'horizontal_spacing', 'horizontal_align', 'background_style', 'margin', 'element_id', 'action']),
  column: new Set(['tag', 'elements', 'width', 'weight', 'vertical_align', 'vertical_spacing', 'direction', 'padding', 'margin', 'background_style', 'element_id']),
  img: new Set(['tag', 'img_key', 'alt', 'title', 'scale_type', 'size', 'corner_radius', 'preview', 'transparent', 'margin', 'element_id']),
  hr: new Set(['tag', 'margin', 'element_id']),
  chart: new Set(['tag', 'chart_spec', 'aspect_ratio', 'color_theme', 'height', 'preview', 'element_id', 'margin']),
};
/** Chart types the card's chart component documents (PLATFORMS.md C): no map among them. */
const CHART_TYPES = new Set(['line', 'area', 'bar', 'pie', 'common', 'funnel', 'scatter', 'radar', 'wordCloud', 'linearProgress', 'circularProgress']);

/** Problems Feishu would reject a card 2.0 for (a pragmatic subset of its schema). */
export function cardViolations(card: any): string[] {
  const out: string[] = [];
  if (!card || typeof card !== 'object') return ['card is not JSON'];
  const top = new Set(['schema', 'config', 'card_link', 'header', 'body']);
  for (const k of Object.keys(card)) if (!top.has(k)) out.push(`unknown top-level property ${k}`);
  if (card.schema !== '2.0') out.push('schema is not 2.0');
  if (card.config?.update_multi === false) out.push('update_multi must be true in 2.0');
  if (card.header) {
    if (card.header.title?.tag !== 'plain_text' || typeof card.header.title?.content !== 'string') out.push('header.title must be plain_text');
    if (card.header.template && !TEMPLATES.has(card.header.template)) out.push(`bad header template ${card.header.template}`);
  }
  if (!Array.isArray(card.body?.elements)) out.push('body.elements missing');
  let count = 0;
  const visit = (el: any, path: string): void => {
    if (!el || typeof el !== 'object') return;
    if (Array.isArray(el)) return el.forEach((e, i) => visit(e, `${path}[${i}]`));
    if ('tag' in el) {
      count++;
      const allowed = ALLOWED[el.tag];
      if (!allowed) out.push(`${path}: unknown tag ${el.tag}`);
      else for (const k of Object.keys(el)) if (!allowed.has(k)) out.push(`${path}: ${el.tag} has unknown property ${k}`);
      if (el.tag === 'button') {
        for (const b of el.behaviors ?? []) {
          if (b.type === 'callback' && (typeof b.value !== 'object' || b.value === null || Array.isArray(b.value))) out.push(`${path}: callback value must be an object`);
        }
        if (typeof el.text?.content === 'string' && el.text.content.length > 100) out.push(`${path}: button text over 100 characters`);
      }
      if (el.tag === 'column_set' && !Array.isArray(el.columns)) out.push(`${path}: column_set without columns`);
      if (el.tag === 'img' && !el.img_key) out.push(`${path}: img without img_key`);
      if (el.tag === 'chart' && !CHART_TYPES.has(el.chart_spec?.type)) out.push(`${path}: chart type ${el.chart_spec?.type} is not one Feishu draws`);
    }
    for (const [k, v] of Object.entries(el)) if (typeof v === 'object') visit(v, `${path}.${k}`);
  };
  visit(card.body?.elements, 'body.elements');
  if (count > 200) out.push(`${count} components (limit about 200)`);
  return out;
}

/** The text a user sees on a card: plain_text as is, markdown with entities decoded and `**` removed. */
export function cardText(card: any): string {
  const out: string[] = [];
  const visit = (v: any): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    if (v.tag === 'plain_text' && typeof v.content === 'string') out.push(v.content);
    if (v.tag === 'markdown' && typeof v.content === 'string') {
      out.push(v.content.replace(/\*\*/g, '').replace(/&#(\d+);/g, (_: string, n: string) => String.fromCharCode(Number(n))));
    }
    Object.values(v).forEach(visit);
  };
  visit(card?.header);
  visit(card?.body);
  return out.join('\n');
}

/** Every button on a card: its label and the command its callback carries. */
export function cardButtons(card: any): { label: string; cmd: string }[] {
  const out: { label: string; cmd: string }[] = [];
  const visit = (v: any): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    if (v.tag === 'button') out.push({ label: v.text?.content, cmd: v.behaviors?.find((b: any) => b.type === 'callback')?.value?.cmd });
    Object.values(v).forEach(visit);
  };
  visit(card?.body);
  return out;
}

/**
 * Requests as Slack sends them to an HTTP-mode app: signed with the signing secret (v0 HMAC-SHA256 over
 * `v0:{ts}:{body}`), commands and interactions form-encoded, events as JSON.
 */
import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlackPost {
  status: number;
  text: string;
  json(): any;
}

export interface PostOptions {
  /** Defaults to now; pass an old one to test replay protection. */
  timestamp?: number;
  /** Overrides the signature (forgeries). */
  signature?: string;
  headers?: Record<string, string>;
}

/** Posts signed requests to a bot's `/slack/events`. */
export class SlackSender {
  constructor(readonly url: string, readonly secret: string) {}

  async post(body: string, contentType: string, opts: PostOptions = {}): Promise<SlackPost> {
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        // Exactly this, without a charset: Bolt only form-decodes this exact value (PLATFORMS.md A1).
        'content-type': contentType,
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': opts.signature ?? slackSignature(this.secret, timestamp, body),
        ...opts.headers,
      },
      body,
    });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) };
  }

  /** A slash command, form-encoded with Slack's fields. */
  command(fields: Record<string, string>, opts?: PostOptions): Promise<SlackPost> {
    return this.post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', opts);
  }

  /** An Events API delivery (JSON). */
  event(envelope: Record<string, unknown>, opts?: PostOptions): Promise<SlackPost> {
    return this.post(JSON.stringify(envelope), 'application/json', opts);
  }

  /** An interaction: form-encoded with one `payload` field holding JSON. */
  interaction(payload: Record<string, unknown>, opts?: PostOptions): Promise<SlackPost> {
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', opts);
  }
}

let seq = 0;

/** Slack's field set for `/iiot <text>` (a real request carries all of these). */
export function slashCommand(text: string, responseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  seq++;
  return {
    token: 'deprecated-verification-token',
    team_id: 'T0TEAM',
    team_domain: 'fake',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0ASKER',
    user_name: 'asker',
    command: '/iiot',
    text,
    api_app_id: 'A0APP',
    is_enterprise_install: 'false',
    response_url: responseUrl,
    trigger_id: `1337.42.trigger${seq}`,
    ...extra,
  };
}

/** An Events API envelope around `event`. */
export function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${++seq}`): Record<string, unknown> {
  return {
    token: 'deprecated-verification-token',
    team_id: 'T0TEAM',
    api_app_id: 'A0APP',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: 'T0TEAM', user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${eventId}`,
  };
}

export interface ButtonClick {
  actionId: string;
  value: string;
  responseUrl: string;
  /** Where the clicked message lives; omit for App Home. */
  message?: { channel: string; ts: string; ephemeral?: boolean; threadTs?: string };
  home?: boolean;
  user?: string;
}

/** A `block_actions` payload for one button click on a message or on the App Home view. */
export function blockActions(click: ButtonClick): Record<string, unknown> {
  const user = click.user ?? 'U0ASKER';
  const action = {
    type: 'button', action_id: click.actionId, block_id: 'b1', value: click.value,
    text: { type: 'plain_text', text: 'button', emoji: true }, action_ts: `${Date.now() / 1000}`,
  };
  const base = {
    type: 'block_actions',
    user: { id: user, username: 'asker', name: 'asker', team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'deprecated-verification-token',
    trigger_id: `1337.42.trigger${++seq}`,
    team: { id: 'T0TEAM', domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    response_url: click.responseUrl,
    actions: [action],
  };
  if (click.home || !click.message) {
    return {
      ...base,
      container: { type: 'view', view_id: 'V0HOME' },
      view: { id: 'V0HOME', type: 'home', team_id: 'T0TEAM', blocks: [], callback_id: '', state: { values: {} }, hash: 'h', private_metadata: '' },
    };
  }
  const { channel, ts, ephemeral, threadTs } = click.message;
  return {
    ...base,
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: !!ephemeral },
    channel: { id: channel, name: 'general' },
    ...(ephemeral ? {} : { message: { type: 'message', user: 'U0BOT', ts, text: 'card', blocks: [], ...(threadTs ? { thread_ts: threadTs } : {}) } }),
    state: { values: {} },
  };
}

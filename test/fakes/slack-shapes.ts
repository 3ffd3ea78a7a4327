/**
 * Slack bodies of the shapes real workspaces send, each following a documented or captured body
 * (named above it). Ids, timestamps and texts are ours; fields, nesting and value types are theirs.
 * Wrap events in eventEnvelope() (signing.ts), post interactions with SlackSender.interaction().
 */
import { BOT_ID, BOT_USER_ID } from './slack-api.js';

/**
 * A thread reply "also sent to channel" that mentions the bot: an `app_mention` with
 * `subtype: "thread_broadcast"`, the parent's ts in `thread_ts`, the parent itself in `root`.
 * Shape: the capture quoted in soxtoby/SlackNet pull request #69 (2020-11-07), and Slack's
 * thread_broadcast example (docs.slack.dev/reference/events/message/thread_broadcast) for `root`.
 */
export function broadcastMention(text: string, ts: string, threadTs: string, channel = 'C0GENERAL'): Record<string, unknown> {
  return {
    type: 'app_mention',
    text: `<@${BOT_USER_ID}> ${text}`,
    files: [],
    upload: false,
    blocks: [],
    user: 'U0ASKER',
    display_as_bot: false,
    ts,
    thread_ts: threadTs,
    parent_user_id: 'U0PARENT',
    subtype: 'thread_broadcast',
    root: {
      client_msg_id: '5f0e3c1e-0000-4000-8000-000000000001',
      type: 'message',
      text: 'root message',
      user: 'U0PARENT',
      ts: threadTs,
      team: 'T0TEAM',
      blocks: [],
      thread_ts: threadTs,
      reply_count: 2,
      reply_users_count: 1,
      latest_reply: ts,
      reply_users: ['U0ASKER'],
      subscribed: false,
    },
    attachments: [],
    team: 'T0TEAM',
    channel,
    event_ts: ts,
  };
}

/**
 * A DM with a file (a screenshot) and, optionally, words: a `message` with `subtype: "file_share"`,
 * `files[]`, `upload: true`, `"bot_id": null` and `channel_type: "im"`. Shape: Slack's file_share
 * example (docs.slack.dev/reference/events/message/file_share; api.slack.com/events/message/file_share
 * names the subtype), and @slack/types' FileShareMessageEvent (node-slack-sdk, events/message.ts).
 */
export function fileShareDm(text: string, ts: string, channel = 'D0DM'): Record<string, unknown> {
  return {
    type: 'message',
    subtype: 'file_share',
    text,
    files: [{
      id: 'F0SCREEN01', created: 1700000000, timestamp: 1700000000, name: 'screenshot.png', title: 'screenshot.png',
      mimetype: 'image/png', filetype: 'png', pretty_type: 'PNG', user: 'U0ASKER', editable: false, size: 196920,
      mode: 'hosted', is_external: false, external_type: '', is_public: false, public_url_shared: false,
      display_as_bot: false, username: '',
      url_private: 'https://files.slack.com/files-pri/T0TEAM-F0SCREEN01/screenshot.png',
      url_private_download: 'https://files.slack.com/files-pri/T0TEAM-F0SCREEN01/download/screenshot.png',
      original_w: 512, original_h: 512, has_rich_preview: false,
    }],
    user: 'U0ASKER',
    upload: true,
    display_as_bot: false,
    bot_id: null,
    ts,
    channel,
    event_ts: ts,
    channel_type: 'im',
  };
}

/**
 * Slackbot's notice in the bot's DM: user `USLACKBOT`, no subtype. Shape: the Events API bodies
 * captured in atlassian-labs/atlassian-slack-integration-server,
 * slack-server-integration-common/…/webhooks/GenericMessageSlackEvent.java ("You have been removed from #… by <@…>").
 */
export function slackbotDm(ts: string, channel = 'D0DM'): Record<string, unknown> {
  return {
    type: 'message',
    text: 'You have been removed from #iiot-test by <@U0ADMIN>',
    user: 'USLACKBOT',
    ts,
    channel,
    event_ts: ts,
    channel_type: 'im',
  };
}

/**
 * The bot's own reply, echoed back as a DM `message` (message.im delivers the bot's posts too):
 * `bot_id`, `app_id`, `bot_profile` and the bot's user id. Shape: @slack/types' GenericMessageEvent
 * (node-slack-sdk, events/message.ts) with the `bot_profile` Slack adds to app posts.
 */
export function ownReplyDm(ts: string, channel = 'D0DM'): Record<string, unknown> {
  return {
    type: 'message',
    text: '湖北 示范引领梯队',
    user: BOT_USER_ID,
    bot_id: BOT_ID,
    app_id: 'A0APP',
    bot_profile: { id: BOT_ID, app_id: 'A0APP', name: 'iiot', deleted: false, team_id: 'T0TEAM' },
    blocks: [],
    ts,
    channel,
    event_ts: ts,
    channel_type: 'im',
  };
}

/**
 * A click on a button this bot has no listener for (a card from an older build, another app's
 * card): `block_actions` as in Slack's block_actions payload reference
 * (docs.slack.dev/reference/interaction-payloads/block_actions-payload) and bolt-js's
 * test/unit/helpers.spec.ts body.
 */
export function staleButton(actionId: string, responseUrl: string): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: 'U0ASKER', username: 'asker', name: 'asker', team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1700003000.000100', channel_id: 'C0GENERAL', is_ephemeral: false },
    trigger_id: '1337.42.stale',
    team: { id: 'T0TEAM', domain: 'fake' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: 'C0GENERAL', name: 'general' },
    message: { type: 'message', user: BOT_USER_ID, ts: '1700003000.000100', bot_id: BOT_ID, text: 'an old card', blocks: [] },
    state: { values: {} },
    response_url: responseUrl,
    actions: [{
      action_id: actionId, block_id: 'old', type: 'button', value: 'v1',
      text: { type: 'plain_text', text: 'Refresh', emoji: true }, action_ts: '1700003001.000200',
    }],
  };
}

/** A global shortcut: Slack's example in docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload. */
export function globalShortcut(callbackId: string): Record<string, unknown> {
  return {
    type: 'shortcut',
    token: 'deprecated-verification-token',
    action_ts: '1700003100.371594',
    team: { id: 'T0TEAM', domain: 'fake' },
    user: { id: 'U0ASKER', username: 'asker', team_id: 'T0TEAM' },
    callback_id: callbackId,
    trigger_id: '944799105734.773906753841.shortcut',
  };
}

/**
 * A message shortcut (`message_action`): the fields of the same reference page (response_url,
 * message, channel only here) and bolt-js's MessageShortcut type (src/types/shortcuts/message-shortcut.ts).
 */
export function messageShortcut(callbackId: string, responseUrl: string): Record<string, unknown> {
  return {
    type: 'message_action',
    token: 'deprecated-verification-token',
    action_ts: '1700003200.371594',
    team: { id: 'T0TEAM', domain: 'fake' },
    user: { id: 'U0ASKER', username: 'asker', team_id: 'T0TEAM', name: 'asker' },
    channel: { id: 'C0GENERAL', name: 'general' },
    callback_id: callbackId,
    trigger_id: '944799105734.773906753841.message',
    message_ts: '1700003150.000100',
    message: { type: 'message', user: 'U0SOMEONE', text: 'Which tier is Henan in?', ts: '1700003150.000100' },
    response_url: responseUrl,
  };
}

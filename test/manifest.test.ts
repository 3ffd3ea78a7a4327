/**
 * manifest.yml against the command registry and the Slack adapter, so the app people install and the
 * code that answers it never drift apart. Field limits are those of Slack's manifest schema
 * (@slack/web-api types/request/manifest.ts).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMMANDS, SLASH_COMMAND, SUGGESTED_PROMPTS } from '../src/core/commands.js';

const manifest = parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8'));
const adapterSource = readFileSync(new URL('../src/platforms/slack/adapter.ts', import.meta.url), 'utf8');
const picturesSource = readFileSync(new URL('../src/platforms/slack/pictures.ts', import.meta.url), 'utf8');

/** The scope each subscribed event needs (app_home_opened needs none). */
const EVENT_SCOPES: Record<string, string | undefined> = {
  app_mention: 'app_mentions:read',
  'message.im': 'im:history',
  // Un-mentioned replies in threads the bot answered in (the adapter ignores every other channel message).
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  app_home_opened: undefined,
};

describe('manifest.yml', () => {
  it('declares /iiot exactly as the command registry does', () => {
    expect(manifest.features.slash_commands).toEqual([{
      command: SLASH_COMMAND.command,
      description: SLASH_COMMAND.description,
      usage_hint: SLASH_COMMAND.usageHint,
      should_escape: false,
    }]);
  });

  it('only names registered commands in the usage hint', () => {
    const alternatives = /\[([^\]]+)\]/.exec(SLASH_COMMAND.usageHint)?.[1].split('|').map((s) => s.trim().split(/\s+/)[0]) ?? [];
    expect(alternatives.length).toBeGreaterThan(0);
    const names = COMMANDS.map((c) => c.name as string);
    for (const word of alternatives) expect(names).toContain(word);
  });

  it('stays within Slack\'s field limits', () => {
    const { display_information: info, features } = manifest;
    expect(info.name.length).toBeLessThanOrEqual(35);
    expect(info.description.length).toBeLessThanOrEqual(140);
    expect(info.long_description.length).toBeGreaterThanOrEqual(175);
    expect(info.long_description.length).toBeLessThanOrEqual(4000);
    expect(info.background_color).toMatch(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
    expect(features.bot_user.display_name).toMatch(/^[a-z0-9._-]{1,80}$/);
    const [cmd] = features.slash_commands;
    expect(cmd.command).toMatch(/^\/[a-z0-9_-]{1,31}$/);
    expect(cmd.description.length).toBeLessThanOrEqual(2000);
    expect(cmd.usage_hint.length).toBeLessThanOrEqual(1000);
  });

  it('has a bot user, a Home tab and a Messages tab people can write in', () => {
    expect(manifest.features.bot_user).toMatchObject({ display_name: 'iiot' });
    expect(manifest.features.app_home).toEqual({
      home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: false,
    });
  });

  it('subscribes to exactly the events the adapter handles, with the scopes they need and no more', () => {
    const events: string[] = manifest.settings.event_subscriptions.bot_events;
    expect([...events].sort()).toEqual(['app_home_opened', 'app_mention', 'message.channels', 'message.groups', 'message.im']);
    // Bolt registers message.* events as `message` (and rejects `message.im`): one listener takes all three.
    const handled = [...adapterSource.matchAll(/app\.event\('([^']+)'/g)]
      .flatMap((m) => (m[1] === 'message' ? ['message.channels', 'message.groups', 'message.im'] : [m[1]!]));
    expect(handled.sort()).toEqual([...events].sort());
    expect(adapterSource).toContain('app.command(SLASH_COMMAND.command');
    // files:write is there because the adapter uploads pictures.
    expect(picturesSource).toContain('filesUploadV2');

    const scopes: string[] = manifest.oauth_config.scopes.bot;
    const needed = new Set([
      'commands', // the slash command
      'chat:write', // replies and chat.update
      'users:read', // users.info locale for App Home
      'files:write', // picture uploads (filesUploadV2)
      'assistant:write', // features.agent_view
      ...events.map((e) => EVENT_SCOPES[e]).filter((s): s is string => !!s),
    ]);
    expect([...scopes].sort()).toEqual([...needed].sort());
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });

  it('offers the agent surface in the Messages tab, its prompts drawn from the command registry', () => {
    const agent = manifest.features.agent_view;
    expect(agent.agent_description.length).toBeLessThanOrEqual(300);
    expect(agent.suggested_prompts).toEqual(SUGGESTED_PROMPTS);
    expect(agent.suggested_prompts.length).toBeLessThanOrEqual(4);
    // The surface takes questions like any DM; the older assistant_view is not declared as well.
    expect(manifest.features.assistant_view).toBeUndefined();
  });

  it('turns on interactivity (buttons) and Socket Mode, with no request URLs to keep up to date', () => {
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true });
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.request_url).toBeUndefined();
    expect(manifest.features.slash_commands[0].url).toBeUndefined();
    expect(manifest.settings.org_deploy_enabled).toBe(false);
    expect(manifest.settings.token_rotation_enabled).toBe(false);
  });
});

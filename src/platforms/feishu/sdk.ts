/**
 * node-sdk, loaded with require(). It is one 6 MB CommonJS file: `import` makes Node scan all of it
 * for named exports (and, under a loader such as tsx in development, pass its source through the
 * loader thread) — about 150 ms of start-up and up to 80 MB of RSS that require() does not cost.
 * Types still come from the package.
 */
import { createRequire } from 'node:module';
import type * as Lark from '@larksuiteoapi/node-sdk';

export type { Lark };
export const lark: typeof Lark = createRequire(import.meta.url)('@larksuiteoapi/node-sdk');

// The SDK's clients send through its one axios instance. axios's default, following up to 21
// redirects, wraps every request in follow-redirects: about a fifth of the CPU of each reply, for
// redirects the Open API never sends (and a redirected POST would arrive as a GET anyway). Without
// it a misconfigured FEISHU_DOMAIN that redirects fails with the 3xx, logged, instead.
lark.defaultHttpInstance.defaults.maxRedirects = 0;

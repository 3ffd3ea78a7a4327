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


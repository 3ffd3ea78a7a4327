#!/usr/bin/env node
// The `iiot` command runs the TypeScript sources directly (tsx), so there is no build step to forget.
import { register } from 'tsx/esm/api';

register();
await import('../cli.ts');

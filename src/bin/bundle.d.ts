// Types of ./bundle.js for the TypeScript that imports it (the bench).
export function commandNodeFlags(): string[];
export function loadBundle(file: string): Record<string, (...args: unknown[]) => unknown>;
export function recordCodeCache(file: string, runAs: string): Promise<void>;

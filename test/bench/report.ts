/** What every bench section hands back to the orchestrator. */

/** One goal (issues #5 and #12), as measured in this run: against a baseline, as a ratio. */
export interface Target {
  what: string;
  goal: string;
  measured: string;
  met: boolean;
}

export interface Section {
  /** Key in the JSON results. */
  name: string;
  /** Every figure, machine-readable (times in ms, memory in bytes). */
  data: unknown;
  /** Tables to print, already formatted. */
  tables: string[];
  targets: Target[];
}

export interface BenchOptions {
  /** The smoke-check run: shorter phases, fewer rounds, same code paths. */
  quick: boolean;
}

export const target = (what: string, goal: string, measured: string, met: boolean): Target => ({ what, goal, measured, met });

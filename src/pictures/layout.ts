/**
 * Where everything on a picture goes, made once by test/tools/picture-layout.ts (ECharts lays the
 * pictures out there) and kept in data/pictures/layout.json: region outlines as SVG path data, label
 * anchors, the South China Sea inset, the bar chart's axes and bars. Drawing a picture only fills in
 * colours and words (svg.ts). Coordinates are logical pixels; the PNG is drawn at ZOOM×.
 */
import { readFileSync } from 'node:fs';

export type Point = [x: number, y: number];

export interface MapRegion {
  /** The region's adcode (data/report.json, data/map/china.json); 0 for the South China Sea inset. */
  adcode: number;
  /** Its outline. Regions are listed in drawing order: a later region's border covers an earlier one's. */
  d: string;
  /** The centre of its label (text-anchor middle, baseline central). The inset has none. */
  label?: Point;
  /** Where the label sits away from a region too small to hold it: a line from the region to the label. */
  leader?: [from: Point, to: Point];
}

export interface BarsLayout {
  /** The horizontal split lines, bottom to top, and the axis line (ECharts puts them on half pixels). */
  gridLines: string[];
  axisLine: string;
  yTicks: { text: string; at: Point }[];
  /** The y axis' name ("地区数量"), its lower left corner. */
  yName: Point;
  /** One per tier, in the data's order: the bar, its value above it, its name below the axis. */
  bars: { tierId: string; d: string; value: string; valueAt: Point; nameAt: Point }[];
}

export interface PictureLayout {
  /** What made this file and how to make it again. */
  madeBy: string;
  map: { width: number; height: number; regions: MapRegion[] };
  bars: { width: number; height: number } & BarsLayout;
}

export const LAYOUT_FILE = new URL('../../data/pictures/layout.json', import.meta.url);

let loaded: PictureLayout | undefined;
/** Read on first use (test/tools/picture-layout.ts imports this module to write the file). */
export const layout = (): PictureLayout => (loaded ??= JSON.parse(readFileSync(LAYOUT_FILE, 'utf8')));

/** The adcode the South China Sea inset is listed under. */
export const ISLANDS_ADCODE = 0;

import type { Plugin } from 'esbuild';

export function zodEnglishOnly(): Plugin;
export function noBrowserUserAgentParser(): Plugin;
declare const plugins: Plugin[];
export default plugins;

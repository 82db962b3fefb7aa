import type { Plugin } from 'esbuild';

export function zodEnglishOnly(): Plugin;
declare const plugins: Plugin[];
export default plugins;

import type { Plugin } from 'esbuild';

export function zodEnglishOnly(): Plugin;
export function noBrowserUserAgentParser(): Plugin;
export function lambdaCredentials(): Plugin;
declare const plugins: Plugin[];
export default plugins;

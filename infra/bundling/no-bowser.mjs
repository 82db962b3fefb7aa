// Stands in for bowser in Lambda bundles (see noBrowserUserAgentParser in esbuild-plugins.mjs).
export default {};

export { AssetCache } from './assets.js';
export { serveDashboard } from './serve.js';

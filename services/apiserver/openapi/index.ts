export { openApiV2Document, openApiV3Document, openApiV3Index } from './documents.js';

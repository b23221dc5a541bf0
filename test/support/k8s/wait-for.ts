export { waitUntil as waitFor } from '../wait-until.js';

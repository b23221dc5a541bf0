export { waitUntil as waitFor } from '../../../shared/testing/wait-until.js';

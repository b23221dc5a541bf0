import { DATA_PACKAGES } from './data-applications.js';
import type { DemoPackage } from './package-data.js';
import { TEMPLATE_PACKAGES } from './templates.js';
import { WEB_AND_NOTEBOOK_PACKAGES } from './web-applications.js';

export type { DemoPackage, DemoPackageVersion } from './package-data.js';

/** The product's demo cards, then the templates, as the catalog shows them. */
export const DEMO_PACKAGES: readonly DemoPackage[] = [...DATA_PACKAGES, ...WEB_AND_NOTEBOOK_PACKAGES, ...TEMPLATE_PACKAGES];

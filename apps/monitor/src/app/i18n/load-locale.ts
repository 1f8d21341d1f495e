/**
 * Imported first by main.ts: the demo host's own Dutch texts are loaded before any module with a
 * module-level `$localize` text (the route titles) is evaluated. The widget's texts are loaded by
 * `provideOnwardMonitor({ locale })`.
 */
import { loadTranslations } from '@angular/localize';

import { demoLocale } from './demo-locale';
import { DEMO_NL } from './nl';

const locale = demoLocale();
if (locale === 'nl') loadTranslations(DEMO_NL);
// Screen readers pronounce the page in its language, and the browser offers no translation of it.
document.documentElement.lang = locale;

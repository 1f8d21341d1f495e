// First: the chosen language's texts are in place before any other module is evaluated.
import './app/i18n/load-locale';

import { bootstrapApplication } from '@angular/platform-browser';
import { appConfig } from './app/app.config';
import { App } from './app/app';

bootstrapApplication(App, appConfig).catch((err) => console.error(err));

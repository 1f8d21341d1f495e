import { ChangeDetectionStrategy, Component } from '@angular/core';
import { MatButtonToggleModule } from '@angular/material/button-toggle';

import { chooseDemoLocale, demoLocale, type DemoLocale } from './demo-locale';

/** EN / NL in the toolbar: stores the choice and reloads the page in that language. */
@Component({
  selector: 'app-language-switch',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonToggleModule],
  template: `
    <mat-button-toggle-group
      hideSingleSelectionIndicator
      aria-label="Language"
      i18n-aria-label="@@demo.language.label"
      [value]="locale"
      (change)="choose($event.value)"
    >
      <mat-button-toggle value="en" lang="en" aria-label="English">EN</mat-button-toggle>
      <mat-button-toggle value="nl" lang="nl" aria-label="Nederlands">NL</mat-button-toggle>
    </mat-button-toggle-group>
  `,
  styles: `
    :host {
      margin: 0 8px;
      --mat-button-toggle-height: 32px;
    }
  `,
})
export class LanguageSwitch {
  protected readonly locale = demoLocale();

  protected choose(locale: DemoLocale): void {
    if (locale !== this.locale) chooseDemoLocale(locale);
  }
}

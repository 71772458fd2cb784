import { en, type Messages } from './en';
import { es } from './es';

/** English and Spanish (the seeds' language); the choice persists in localStorage. */

export const LOCALES = ['en', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export type MessageKey = keyof Messages;

const dictionaries: Record<Locale, Messages> = { en, es };
const STORAGE_KEY = 'me-verifier.locale';

function initialLocale(): Locale {
	if (typeof localStorage === 'undefined') return 'en';
	const saved = localStorage.getItem(STORAGE_KEY);
	if (saved === 'en' || saved === 'es') return saved;
	return typeof navigator !== 'undefined' && navigator.language.toLowerCase().startsWith('es') ? 'es' : 'en';
}

class I18n {
	locale = $state<Locale>(initialLocale());

	setLocale(locale: Locale): void {
		this.locale = locale;
		localStorage.setItem(STORAGE_KEY, locale);
		document.documentElement.lang = locale;
	}

	/** The message for `key`, with `{name}` placeholders filled from `params`. */
	t = (key: MessageKey, params: Record<string, string | number> = {}): string => {
		const template = dictionaries[this.locale][key] ?? en[key];
		return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
			name in params ? String(params[name]) : whole
		);
	};

	/** Number formatting that follows the chosen language (decimal comma in Spanish). */
	number = (value: number, digits = 3): string =>
		value.toLocaleString(this.locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 });

	percent = (value: number, digits = 1): string =>
		value.toLocaleString(this.locale, { style: 'percent', maximumFractionDigits: digits });

	date = (ms: number): string =>
		new Date(ms).toLocaleString(this.locale, { dateStyle: 'medium', timeStyle: 'short' });
}

export const i18n = new I18n();
export const t = i18n.t;

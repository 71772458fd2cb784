import { i18n } from '../../i18n/index.svelte';
import { peopleEn, type PeopleMessageKey, type PeopleMessages } from '../../i18n/people-en';
import { peopleEs } from '../../i18n/people-es';

/**
 * The People page's messages, kept beside the app's dictionaries rather than inside them; the language
 * follows the app's switch (reading `i18n.locale` keeps templates reactive).
 */
const dictionaries: Record<typeof i18n.locale, PeopleMessages> = { en: peopleEn, es: peopleEs };

export function tp(key: PeopleMessageKey, params: Record<string, string | number> = {}): string {
	const template = dictionaries[i18n.locale][key] ?? peopleEn[key];
	return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
		name in params ? String(params[name]) : whole
	);
}

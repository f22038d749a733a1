// Saving site settings: the API takes one {name, value} at a time, so a form
// of several settings sends only those that changed, in a given order, and
// stops at the first refusal, which is shown next to that setting's field.

import { api } from '../../api.js';
import { t } from '../../i18n.js';
import { notice, showError } from '../../ui.js';

// changes: [[name, value], …] in the order to send them. Returns the
// settings as stored afterwards, so the form compares against them next.
// The server names the setting in error.field for a refused value, but
// "name" or "value" for a refused request, so the field is always the
// setting being sent.
export async function saveSettings(formEl, changes, ctx) {
	if (!changes.length) {
		notice(t('server.unchanged'));
		return ctx.refreshSettings();
	}
	for (const [name, value] of changes) {
		try {
			await api.put('/settings', { name, value });
		} catch (err) {
			showError(formEl, err, name);
			return ctx.refreshSettings();
		}
	}
	const stored = await ctx.refreshSettings();
	notice(t('ui.saved'));
	return stored;
}

// Only the settings whose value differs from what is stored.
export function changed(settings, pairs) {
	return pairs.filter(([name, value]) => String(settings[name] ?? '') !== String(value));
}

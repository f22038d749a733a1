// The user's own codes (USR-2): the current PIN proves it is them; a new PIN
// and/or PUK replace the old ones and end the user's other sessions.

import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, clear, header, card, field, form, notice, showError } from '../ui.js';

export default async function render(view, ctx) {
	const user = ctx.session.user;
	const f = form(
		[
			field({ name: 'current_pin', label: t('account.current_pin'), type: 'password', required: true, attrs: { autocomplete: 'current-password', inputmode: 'numeric' } }),
			field({ name: 'pin', label: t('account.new_pin'), type: 'password', help: t('account.pin_help'), attrs: { autocomplete: 'new-password', inputmode: 'numeric' } }),
			field({ name: 'puk', label: t('account.new_puk'), type: 'password', help: t('account.puk_help'), attrs: { autocomplete: 'off' } }),
		],
		async (values, formEl) => {
			if (!values.current_pin) {
				showError(formEl, { message: t('account.current_missing') }, 'current_pin');
				return;
			}
			if (!values.pin && !values.puk) {
				showError(formEl, { message: t('account.nothing') }, 'pin');
				return;
			}
			await api.put('/session/codes', values);
			formEl.reset();
			notice(t('account.changed'));
		},
		{ submitLabel: t('account.change') }
	);
	clear(
		view,
		header(t('nav.account')),
		card(
			t('account.you'),
			h('dl', { class: 'facts' }, h('dt', {}, t('account.name')), h('dd', {}, user.name), h('dt', {}, t('account.rights')), h('dd', {}, user.pages.map((p) => t(`right.${p}`)).join(', ')), h('dt', {}, t('account.manager')), h('dd', {}, user.manager ? t('ui.yes') : t('ui.no')))
		),
		card(t('account.codes'), user.default_codes ? h('p', { class: 'banner warn' }, t('account.default_codes')) : null, f)
	);
}

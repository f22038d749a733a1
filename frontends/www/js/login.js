// Login (USR-1, USR-2): the PIN, and the PUK too on a browser that is not
// trusted yet (ewsd answers 401 puk_required). The codes never leave this
// form except in the login request.

import { api } from './api.js';
import { t, LANGUAGES, language, loadLanguage, setBrowserLanguage } from './i18n.js';
import { h, clear, field, form, showError } from './ui.js';

export function renderLogin(root, { message, onLoggedIn }) {
	let needPuk = false;
	const pin = field({ name: 'pin', label: t('login.pin'), type: 'password', required: true, attrs: { inputmode: 'numeric', autocomplete: 'current-password', autofocus: true } });
	const puk = field({ name: 'puk', label: t('login.puk'), type: 'password', help: t('login.puk_help'), attrs: { autocomplete: 'off' } });
	puk.hidden = true;
	puk.querySelector('input').disabled = true;

	const f = form([pin, puk], async (values, formEl) => {
		if (!values.pin) {
			showError(formEl, { message: t('login.pin_missing') }, 'pin');
			return;
		}
		if (needPuk && !values.puk) {
			showError(formEl, { message: t('login.puk_missing') }, 'puk');
			return;
		}
		try {
			const session = await api.post('/login', values);
			await onLoggedIn(session);
		} catch (err) {
			if (err.code === 'puk_required') {
				needPuk = true;
				puk.hidden = false;
				puk.querySelector('input').disabled = false;
				showError(formEl, { message: t('login.puk_required') }, 'puk');
				return;
			}
			if (err.status === 429) {
				throw { message: t('login.wait', { s: err.retryAfter || 1 }), field: 'pin' };
			}
			if (err.status === 401) {
				throw { message: t('login.wrong'), field: needPuk ? 'puk' : 'pin' };
			}
			throw err;
		}
	}, { submitLabel: t('login.submit') });

	const langSelect = h(
		'select',
		{
			'aria-label': t('ui.language'),
			onchange: async (e) => {
				setBrowserLanguage(e.target.value);
				await loadLanguage(null);
				renderLogin(root, { message, onLoggedIn });
			},
		},
		LANGUAGES.map((l) => h('option', { value: l.code, lang: l.code, selected: l.code === language() }, l.name))
	);

	clear(
		root,
		h(
			'main',
			{ class: 'login', id: 'main' },
			h(
				'section',
				{ class: 'card login-card' },
				h('div', { class: 'brand' }, h('img', { src: '/img/icon.svg', alt: '', width: 40, height: 40 }), h('h1', {}, t('app.name'))),
				message ? h('p', { class: 'banner', role: 'status' }, message) : null,
				h('p', { class: 'help' }, t('login.intro')),
				f,
				h('div', { class: 'login-lang' }, langSelect)
			)
		)
	);
	f.querySelector('input[name=pin]').focus();
}

// My panel board (§8.2.1, §12.2.1; UI-1, ACQ-3): #/panel lists the device
// buttons, #/panel/device/<id>[/<view>] is one device's page.

import { renderList } from './panel/list.js';
import { renderDevice } from './panel/device.js';

export default async function render(view, ctx) {
	if (ctx.segments[0] === 'device') {
		await renderDevice(view, ctx);
	} else {
		await renderList(view, ctx);
	}
}

// Chart.js as Debian installs it (libjs-chart.js, served by ewsd under
// /lib/chart.js/): histograms and pies with the tariffs' own colours.

import { Chart, registerables } from '/lib/chart.js/chart.mjs';
import { h, fullscreenButton } from './ui.js';
import { num } from './i18n.js';

Chart.register(...registerables);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font') || 'system-ui, sans-serif';
Chart.defaults.color = '#1f2933';
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;

export const PALETTE = ['#0b5cad', '#e07a00', '#2e7d32', '#8e24aa', '#c62828', '#00838f', '#6d4c41', '#546e7a', '#ad1457', '#9e9d24'];

// A box with a title, a full-screen button and a canvas. The canvas gets an
// aria-label and the box a data-chart attribute the browser tests read.
export function chartBox(title, kind) {
	const canvas = h('canvas', { role: 'img', 'aria-label': title });
	const box = h('figure', { class: 'chart', dataset: { chart: kind } }, h('figcaption', {}, h('span', {}, title)), h('div', { class: 'chart-canvas' }, canvas));
	box.querySelector('figcaption').append(fullscreenButton(box));
	return { box, canvas };
}

// bars(canvas, {labels, datasets: [{label, data, color}], unit, stacked}).
export function bars(canvas, { labels, datasets, unit = '', stacked = false, digits = 2 }) {
	const chart = new Chart(canvas, {
		type: 'bar',
		data: {
			labels,
			datasets: datasets.map((d, i) => ({
				label: d.label,
				data: d.data,
				backgroundColor: d.color || PALETTE[i % PALETTE.length],
				borderWidth: 0,
			})),
		},
		options: {
			responsive: true,
			scales: {
				x: { stacked },
				y: { stacked, beginAtZero: true, title: { display: Boolean(unit), text: unit } },
			},
			plugins: {
				legend: { display: datasets.length > 1 },
				tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${num(c.parsed.y, digits)} ${unit}` } },
			},
		},
	});
	canvas.dataset.bars = String(labels.length);
	return chart;
}

// pie(canvas, {labels, data, colors, unit}).
export function pie(canvas, { labels, data, colors, unit = '', digits = 2 }) {
	const chart = new Chart(canvas, {
		type: 'pie',
		data: {
			labels,
			datasets: [{ data, backgroundColor: colors || labels.map((_, i) => PALETTE[i % PALETTE.length]) }],
		},
		options: {
			responsive: true,
			plugins: {
				legend: { position: 'bottom' },
				tooltip: { callbacks: { label: (c) => `${c.label}: ${num(c.parsed, digits)} ${unit}` } },
			},
		},
	});
	canvas.dataset.slices = String(labels.length);
	return chart;
}

export function lines(canvas, { labels, datasets, unit = '', digits = 2 }) {
	return new Chart(canvas, {
		type: 'line',
		data: {
			labels,
			datasets: datasets.map((d, i) => ({
				label: d.label,
				data: d.data,
				borderColor: d.color || PALETTE[i % PALETTE.length],
				backgroundColor: d.color || PALETTE[i % PALETTE.length],
				pointRadius: 0,
				tension: 0.2,
			})),
		},
		options: {
			responsive: true,
			scales: { y: { title: { display: Boolean(unit), text: unit } } },
			plugins: { tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${num(c.parsed.y, digits)} ${unit}` } } },
		},
	});
}

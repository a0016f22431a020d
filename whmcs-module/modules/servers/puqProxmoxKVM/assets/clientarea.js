/*
 * The client area of a virtual machine (templates/clientarea.tpl): pages switched by the
 * URL's #hash, each filled from the module's AJAX endpoint (ClientApi). Reads are GETs,
 * changes are POSTs carrying the client area's CSRF token. Everything shown is written
 * as text (textContent), never parsed as HTML, so what a client typed stays inert.
 *
 * The overview refreshes every 7 s (every second for a short while after a power
 * button); while a backup, snapshot or restore job runs, its state is polled every
 * 2 s and the page is refreshed when it ends. Buttons the product does not allow are
 * dimmed and disabled; so are the buttons that change the VM while it is busy. The
 * server checks all of it again.
 */
(function () {
	'use strict';

	var root = document.getElementById('puqkvm-client');
	if (!root) return;
	var API = root.getAttribute('data-api');
	var TOKEN = root.getAttribute('data-token');
	var DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
	var state = { perms: null, busy: false, page: 'overview', overviewTimer: null, fastUntil: 0,
		jobTimer: null, lastJobEnd: '', chartFrame: 'hour' };

	function q(sel, el) { return (el || root).querySelector(sel); }
	function qa(sel, el) { return Array.prototype.slice.call((el || root).querySelectorAll(sel)); }

	/* An element with text children only: strings become text nodes. */
	function el(tag, attrs) {
		var e = document.createElement(tag);
		Object.keys(attrs || {}).forEach(function (k) {
			var v = attrs[k];
			if (k === 'text') e.textContent = v == null ? '' : String(v);
			else if (k.indexOf('on') === 0) e.addEventListener(k.slice(2), v);
			else if (v === true) e.setAttribute(k, k);
			else if (v !== false && v != null) e.setAttribute(k, String(v));
		});
		for (var i = 2; i < arguments.length; i++) {
			var c = arguments[i];
			if (c == null) continue;
			e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
		}
		return e;
	}

	function call(action, args, write) {
		var url = API + '&do=' + encodeURIComponent(action);
		var init = { credentials: 'same-origin', headers: { Accept: 'application/json' } };
		if (write) {
			var body = new URLSearchParams();
			body.set('token', TOKEN);
			body.set('args', JSON.stringify(args || {}));
			init.method = 'POST';
			init.body = body;
		} else if (args && Object.keys(args).length) {
			url += '&args=' + encodeURIComponent(JSON.stringify(args));
		}
		return fetch(url, init).then(function (res) {
			return res.json().catch(function () { return { error: 'Something went wrong. Please try again later.' }; })
				.then(function (json) {
					if (!res.ok || !json.ok) throw json;
					return json.data;
				});
		}, function () {
			throw { error: 'The connection failed. Please try again.' };
		});
	}

	/* ---- messages ---- */

	function show(kind, text, fields) {
		var box = q('#puqkvm-alert');
		box.className = 'alert puqkvm-alert alert-' + kind;
		box.textContent = text;
		if (fields) {
			var list = el('ul', { class: 'puqkvm-fields' });
			Object.keys(fields).forEach(function (f) {
				list.appendChild(el('li', { 'data-field': f, text: f.replace(/^rule\./, '') + ': ' + fields[f] }));
			});
			box.appendChild(list);
		}
	}
	function hideAlert() {
		q('#puqkvm-alert').className = 'alert puqkvm-alert hidden';
		qa('.puqkvm-invalid').forEach(function (e) { e.classList.remove('puqkvm-invalid'); });
	}

	/* The input a field error names, on the page shown: "rule.dport" -> [name=dport],
	 * "rdns.<address>" -> the address's input, "note" -> [name=note]. */
	function inputOf(field) {
		var page = q('.puqkvm-page[data-view="' + state.page + '"]');
		if (!page) return null;
		if (field.indexOf('rdns.') === 0) return q('input[data-ip="' + CSS.escape(field.slice(5)) + '"]', page);
		var name = field.indexOf('rule.') === 0 ? field.slice(5) : field;
		return q('[name="' + CSS.escape(name) + '"]', page);
	}

	function failed(err) {
		show(err && err.error === 'Access Denied' ? 'danger' : 'warning', (err && err.error) || 'Something went wrong.', err && err.fields);
		Object.keys((err && err.fields) || {}).forEach(function (f) {
			var input = inputOf(f);
			if (input) input.classList.add('puqkvm-invalid');
		});
	}

	/* ---- permissions and busy state ---- */

	function allowed(perm) { return !perm || !state.perms || state.perms[perm] !== false; }

	function applyPerms() {
		qa('#puqkvm-menu li[data-perm]').forEach(function (li) {
			li.classList.toggle('puqkvm-dimmed', !allowed(li.getAttribute('data-perm')));
		});
		qa('button[data-perm]').forEach(function (b) {
			var off = !allowed(b.getAttribute('data-perm')) || (state.busy && b.getAttribute('data-perm') !== 'snapshot_schedule' && b.id !== 'puq-backup-schedule-save');
			/* a power button that would change nothing */
			var action = b.getAttribute('data-action');
			if (action === 'start' && state.power === 'running') off = true;
			if ((action === 'stop' || action === 'reboot') && state.power === 'stopped') off = true;
			b.disabled = off;
			b.classList.toggle('puqkvm-dimmed', !allowed(b.getAttribute('data-perm')));
		});
	}

	function renderJob(job) {
		var box = q('#puqkvm-job');
		if (job && job.running) {
			box.className = 'alert alert-info puqkvm-job';
			box.textContent = (job.label || 'A task') + ' is running' + (job.arg ? ' (' + job.arg + ')' : '') + '…';
			if (!state.jobTimer) state.jobTimer = setInterval(pollJob, 2000);
		} else {
			box.className = 'alert puqkvm-job hidden';
			if (state.jobTimer) {
				clearInterval(state.jobTimer);
				state.jobTimer = null;
			}
			if (job && job.last && job.last.finished_at && job.last.finished_at !== state.lastJobEnd) {
				if (state.lastJobEnd !== '') {
					var kind = job.last.result === 'ok' ? 'success' : job.last.result === 'busy' ? 'warning' : 'danger';
					show(kind, job.last.message);
				}
				state.lastJobEnd = job.last.finished_at;
			}
		}
	}

	function pollJob() {
		call('job').then(function (job) {
			var wasRunning = !!state.jobTimer;
			renderJob(job);
			if (wasRunning && !job.running) {
				state.busy = false;
				applyPerms();
				// pages showing what jobs change are refreshed; forms being typed in are not
				if (['overview', 'backups', 'snapshots'].indexOf(state.page) >= 0) open(state.page, true);
			}
		}, function () {});
	}

	/* ---- overview ---- */

	function statusLabel(vm, local) {
		var s = q('#puq-status');
		var text = vm.found ? (vm.status || 'unknown') : (local === 'ready' ? 'unknown' : local);
		s.textContent = text + (vm.lock ? ' (' + vm.lock + ')' : '');
		s.className = 'puqkvm-status label ' + (text === 'running' ? 'label-success' : text === 'stopped' ? 'label-danger' : 'label-default');
		state.power = text;
	}

	function fill(tbody, rows) {
		tbody.textContent = '';
		rows.forEach(function (r) { tbody.appendChild(r); });
	}

	function mbps(v) { return v ? v + ' MB/s' : 'unlimited'; }

	function overview() {
		return call('overview').then(function (d) {
			state.perms = d.permissions;
			state.busy = d.busy;
			applyPerms();
			renderJob(d.job);
			var vm = d.vm;
			statusLabel(vm, d.local_status);
			applyPerms();
			q('#puq-uptime').textContent = vm.uptime ? 'up ' + vm.uptime_text : '';
			var err = q('#puq-pve-error');
			err.textContent = d.pve_error ? 'Something went wrong: ' + d.pve_error : '';
			err.classList.toggle('hidden', !d.pve_error);
			q('#puq-cpu').textContent = (vm.cpu.usage || 0).toFixed(1) + ' % of ' + (vm.cpu.cores || 0) + ' cores';
			q('#puq-ram').textContent = gib(vm.memory.used) + ' / ' + gib(vm.memory.total) + ' (' + (vm.memory.percent || 0).toFixed(1) + ' %)';
			q('#puq-domain').textContent = d.domain;
			q('#puq-username').textContent = d.username;
			q('#puq-iso').textContent = vm.iso || 'none';
			fill(q('#puq-disks tbody'), (vm.disks || []).map(function (k) {
				return el('tr', {}, el('td', { text: k.key + ' (' + k.role + ')' }), el('td', { text: k.size_text }),
					el('td', { text: mbps(k.mbps_rd) + ' / ' + mbps(k.mbps_wr) }),
					el('td', { text: (k.iops_rd || 'unlimited') + ' / ' + (k.iops_wr || 'unlimited') }));
			}));
			fill(q('#puq-nics tbody'), (vm.network || []).map(function (n) {
				return el('tr', {}, el('td', { text: n.key }), el('td', { text: n.model }), el('td', { text: n.mac }),
					el('td', { text: mbps(n.rate) }));
			}));
			fill(q('#puq-addresses tbody'), (d.addresses || []).map(function (a) {
				return el('tr', {}, el('td', {}, el('span', { text: a.ip + '/' + a.mask }), a.main ? el('span', { class: 'label label-primary', text: 'main' }) : null),
					el('td', { text: a.gateway }), el('td', { text: [a.dns1, a.dns2].filter(Boolean).join(', ') }),
					el('td', { text: a.rdns }));
			}));
			q('#puq-password-user').textContent = d.username;
		});
	}

	function gib(bytes) { return ((bytes || 0) / 1073741824).toFixed(2) + ' GiB'; }

	function scheduleOverview() {
		clearTimeout(state.overviewTimer);
		if (state.page !== 'overview') return;
		var delay = Date.now() < state.fastUntil ? 1000 : 7000;
		state.overviewTimer = setTimeout(function () {
			overview().catch(function () {}).then(scheduleOverview);
		}, delay);
	}

	qa('button[data-action]').forEach(function (b) {
		b.addEventListener('click', function () {
			var action = b.getAttribute('data-action');
			if (action !== 'start' && !window.confirm('Really ' + action + ' the VM?')) return;
			b.disabled = true;
			call(action, {}, true).then(function () {
				show('success', action === 'start' ? 'The VM is starting.' : action === 'reboot' ? 'The VM is rebooting.' : 'The VM is shutting down.');
				state.fastUntil = Date.now() + 20000;
				return overview();
			}).catch(failed).then(function () { applyPerms(); scheduleOverview(); });
		});
	});

	/* ---- charts ---- */

	var SERIES = {
		cpu: [['cpu', 'CPU', '#337ab7'], ['mem', 'RAM', '#5cb85c']],
		disk: [['diskread', 'Read', '#337ab7'], ['diskwrite', 'Write', '#d9534f']],
		net: [['netin', 'In', '#337ab7'], ['netout', 'Out', '#f0ad4e']],
	};

	function svg(tag, attrs) {
		var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
		Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
		return e;
	}

	function drawChart(box, points, series) {
		var W = 640, H = 160, P = 30;
		box.textContent = '';
		var max = 0;
		points.forEach(function (p) { series.forEach(function (s) { if (p[s[0]] != null) max = Math.max(max, p[s[0]]); }); });
		max = max > 0 ? max * 1.1 : 1;
		var t0 = points.length ? points[0].t : 0, t1 = points.length ? points[points.length - 1].t : 1;
		var span = Math.max(1, t1 - t0);
		var g = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, class: 'puqkvm-svg', role: 'img' });
		g.appendChild(svg('line', { x1: P, y1: H - P, x2: W, y2: H - P, stroke: '#ccc' }));
		var top = svg('text', { x: 2, y: 12, 'font-size': 10 });
		top.textContent = max.toFixed(max < 10 ? 2 : 0);
		g.appendChild(top);
		series.forEach(function (s) {
			var pts = points.filter(function (p) { return p[s[0]] != null; }).map(function (p) {
				var x = P + (W - P) * (p.t - t0) / span, y = (H - P) - (H - P - 10) * p[s[0]] / max;
				return x.toFixed(1) + ',' + y.toFixed(1);
			});
			if (pts.length) g.appendChild(svg('polyline', { points: pts.join(' '), fill: 'none', stroke: s[2], 'stroke-width': 1.5, 'data-series': s[0] }));
		});
		box.appendChild(g);
		box.appendChild(el('div', { class: 'puqkvm-legend' }, series.map(function (s) {
			return el('span', { style: 'color:' + s[2] }, '\u25A0 ' + s[1] + '  ');
		}).reduce(function (span, e) { span.appendChild(e); return span; }, el('span', {}))));
	}

	function charts() {
		qa('[data-timeframe]').forEach(function (b) { b.classList.toggle('active', b.getAttribute('data-timeframe') === state.chartFrame); });
		return call('charts', { timeframe: state.chartFrame }).then(function (d) {
			drawChart(q('#puq-chart-cpu'), d.points, SERIES.cpu);
			drawChart(q('#puq-chart-disk'), d.points, SERIES.disk);
			drawChart(q('#puq-chart-net'), d.points, SERIES.net);
		});
	}

	qa('[data-timeframe]').forEach(function (b) {
		b.addEventListener('click', function () {
			state.chartFrame = b.getAttribute('data-timeframe');
			charts().catch(failed);
		});
	});

	/* ---- schedules ---- */

	function scheduleGrid(tbody, schedule, prefix) {
		tbody.textContent = '';
		DAYS.forEach(function (name, day) {
			var on = schedule && schedule[day] != null;
			tbody.appendChild(el('tr', {},
				el('td', {}, el('label', {}, el('input', { type: 'checkbox', name: prefix + '-day-' + day, 'data-day': day, checked: on }), ' ' + name)),
				el('td', {}, el('input', { type: 'time', class: 'form-control input-sm', name: prefix + '-time-' + day, 'data-time': day, value: on ? schedule[day] : '03:00' }))));
		});
	}

	function scheduleOf(tbody) {
		var out = {};
		qa('input[data-day]', tbody).forEach(function (c) {
			if (c.checked) out[c.getAttribute('data-day')] = q('input[data-time="' + c.getAttribute('data-day') + '"]', tbody).value;
		});
		return out;
	}

	/* ---- backups ---- */

	function backups() {
		return call('backups').then(function (d) {
			q('#puq-backup-count').textContent = d.count;
			q('#puq-backup-quota').textContent = d.quota;
			q('#puq-backup-next').textContent = d.next_run ? 'next scheduled backup: ' + d.next_run : '';
			scheduleGrid(q('#puq-backup-schedule tbody'), d.schedule, 'backup');
			renderJob(d.job);
			fill(q('#puq-backups tbody'), d.items.map(function (b) {
				return el('tr', { 'data-volid': b.volid }, el('td', { text: b.date }), el('td', { class: 'puqkvm-note', text: b.notes }),
					el('td', { text: b.size_text }),
					el('td', { class: 'text-right' },
						el('button', { type: 'button', class: 'btn btn-xs btn-warning', 'data-perm': 'backups', text: 'Restore', onclick: function () {
							if (!window.confirm('Restore this backup? The VM is stopped, its disks replaced and all snapshots deleted.')) return;
							act('backup_restore', { volid: b.volid }, backups);
						} }),
						' ',
						el('button', { type: 'button', class: 'btn btn-xs btn-danger', 'data-perm': 'backups', text: 'Remove', onclick: function () {
							if (!window.confirm('Remove this backup for good?')) return;
							act('backup_delete', { volid: b.volid }, backups);
						} })));
			}));
			applyPerms();
		});
	}

	/* Runs a change, shows its outcome, refreshes with then. */
	function act(action, args, then, done) {
		hideAlert();
		return call(action, args, true).then(function (d) {
			if (d && d.running !== undefined) {
				renderJob(d);
				state.busy = d.running;
				if (!d.running && d.last) show(d.last.result === 'ok' ? 'success' : 'danger', d.last.message);
			} else if (done) {
				show('success', typeof done === 'function' ? done(d) : done);
			}
			return then ? then() : null;
		}).catch(failed).then(applyPerms);
	}

	q('#puq-backup-form').addEventListener('submit', function (e) {
		e.preventDefault();
		act('backup_now', { note: q('#puq-backup-note').value }, backups).then(function () { q('#puq-backup-note').value = ''; });
	});
	q('#puq-backup-schedule-save').addEventListener('click', function () {
		act('backup_schedule', { schedule: scheduleOf(q('#puq-backup-schedule tbody')) }, backups, 'The schedule was saved.');
	});

	/* ---- snapshots ---- */

	function left(seconds) {
		if (seconds == null) return '';
		var d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60), s = seconds % 60;
		function two(n) { return (n < 10 ? '0' : '') + n; }
		return d + ' days ' + two(h) + ':' + two(m) + ':' + two(s);
	}

	function snapshots() {
		return call('snapshots').then(function (d) {
			q('#puq-snap-count').textContent = d.count;
			q('#puq-snap-quota').textContent = d.quota;
			q('#puq-snap-mode').textContent = d.mode === 'schedule' ? 'weekly schedule, the oldest make room'
				: d.lifetime_days > 0 ? 'removed after ' + d.lifetime_days + ' days' : '';
			q('#puq-snap-schedule-panel').classList.toggle('hidden', d.mode !== 'schedule');
			if (d.mode === 'schedule') scheduleGrid(q('#puq-snap-schedule tbody'), d.schedule, 'snap');
			renderJob(d.job);
			fill(q('#puq-snapshots tbody'), d.items.map(function (s) {
				return el('tr', { 'data-name': s.name }, el('td', { text: s.name }), el('td', { class: 'puqkvm-note', text: s.description }),
					el('td', { text: s.date }), el('td', { text: left(s.expires_in) }),
					el('td', { class: 'text-right' },
						el('button', { type: 'button', class: 'btn btn-xs btn-warning', 'data-perm': 'snapshots', text: 'Rollback', onclick: function () {
							if (!window.confirm('Roll the VM back to ' + s.name + '? Changes made since are lost.')) return;
							act('snapshot_rollback', { name: s.name }, snapshots);
						} }),
						' ',
						el('button', { type: 'button', class: 'btn btn-xs btn-danger', 'data-perm': 'snapshots', text: 'Remove', onclick: function () {
							if (!window.confirm('Remove snapshot ' + s.name + '?')) return;
							act('snapshot_delete', { name: s.name }, snapshots);
						} })));
			}));
			applyPerms();
		});
	}

	q('#puq-snap-form').addEventListener('submit', function (e) {
		e.preventDefault();
		act('snapshot_take', { description: q('#puq-snap-description').value }, snapshots).then(function () { q('#puq-snap-description').value = ''; });
	});
	q('#puq-snap-schedule-save').addEventListener('click', function () {
		act('snapshot_schedule', { schedule: scheduleOf(q('#puq-snap-schedule tbody')) }, snapshots, 'The schedule was saved.');
	});

	/* ---- reverse DNS ---- */

	function rdns() {
		return call('rdns').then(function (d) {
			q('#puq-rdns-default').textContent = d['default'];
			fill(q('#puq-rdns tbody'), d.items.map(function (a) {
				return el('tr', {}, el('td', { text: a.ip }),
					el('td', {}, el('input', { class: 'form-control input-sm', name: 'rdns', 'data-ip': a.key, value: a.host, placeholder: d['default'], 'aria-label': 'Host name of ' + a.ip })));
			}));
		});
	}

	q('#puq-rdns-form').addEventListener('submit', function (e) {
		e.preventDefault();
		var names = {};
		qa('input[data-ip]').forEach(function (i) { names[i.getAttribute('data-ip')] = i.value.trim(); });
		act('rdns_save', { names: names }, rdns, function (d) {
			return d.changed ? 'Saved: ' + d.changed + ' name(s) will be published.' : 'Nothing changed.';
		});
	});

	/* ---- reinstall, password ---- */

	function reinstall() {
		return call('reinstall_options').then(function (d) {
			fill(q('#puq-reinstall-os'), d.choices.map(function (c) {
				return el('option', { value: c.template, selected: c.template === d.current, text: c.label });
			}));
		});
	}

	q('#puq-reinstall-form').addEventListener('submit', function (e) {
		e.preventDefault();
		act('reinstall', { template: Number(q('#puq-reinstall-os').value), confirm: q('#puq-reinstall-confirm').value }, function () {
			q('#puq-reinstall-confirm').value = '';
			state.busy = true;
		}, 'The reinstall has started. The new password is e-mailed when the VM is ready.');
	});

	q('#puq-password-reset').addEventListener('click', function () {
		if (!window.confirm('Set a new random password?')) return;
		act('reset_password', {}, null, function (d) {
			return 'A new password was set and e-mailed to you.' + (d.note ? ' Note: ' + d.note : '');
		});
	});

	/* ---- ISO ---- */

	function iso() {
		return call('iso').then(function (d) {
			q('#puq-iso-mounted').textContent = d.mounted || 'none';
			var select = q('#puq-iso-select');
			select.textContent = '';
			var groups = {};
			d.items.forEach(function (i) {
				if (!groups[i.folder]) {
					groups[i.folder] = el('optgroup', { label: i.folder });
					select.appendChild(groups[i.folder]);
				}
				groups[i.folder].appendChild(el('option', { value: i.volid, selected: i.volid === d.mounted, text: i.file + ' (' + i.size_text + ')' }));
			});
		});
	}

	q('#puq-iso-form').addEventListener('submit', function (e) {
		e.preventDefault();
		act('iso_mount', { volid: q('#puq-iso-select').value }, iso, 'The image is mounted.');
	});
	q('#puq-iso-unmount').addEventListener('click', function () {
		act('iso_unmount', {}, iso, 'The image is ejected.');
	});

	/* ---- firewall ---- */

	function moveRule(from, to) {
		act('firewall_rule_move', { from: from, to: to }, firewall);
	}

	function firewall() {
		return call('firewall').then(function (d) {
			q('#puq-fw-in').value = d.policy_in;
			q('#puq-fw-out').value = d.policy_out;
			var n = d.rules.length;
			fill(q('#puq-fw-rules tbody'), d.rules.map(function (r, i) {
				var row = el('tr', { draggable: 'true', 'data-pos': r.pos },
					el('td', { text: r.pos }), el('td', { text: r.type.toUpperCase() }), el('td', { text: r.action }),
					el('td', { text: r.proto || r.macro || 'any' }), el('td', { text: r.source }), el('td', { text: r.sport }),
					el('td', { text: r.dest }), el('td', { text: r.dport }), el('td', { class: 'puqkvm-note', text: r.comment }),
					el('td', { class: 'text-right text-nowrap' },
						el('button', { type: 'button', class: 'btn btn-xs btn-default', 'data-perm': 'firewall', title: 'Up', 'aria-label': 'Move up', disabled: i === 0, text: '\u2191', onclick: function () { moveRule(r.pos, r.pos - 1); } }),
						el('button', { type: 'button', class: 'btn btn-xs btn-default', 'data-perm': 'firewall', title: 'Down', 'aria-label': 'Move down', disabled: i === n - 1, text: '\u2193', onclick: function () { moveRule(r.pos, r.pos + 1); } }),
						' ',
						el('button', { type: 'button', class: 'btn btn-xs btn-danger', 'data-perm': 'firewall', text: 'Delete', onclick: function () {
							if (!window.confirm('Delete rule ' + r.pos + '?')) return;
							act('firewall_rule_delete', { pos: r.pos }, firewall);
						} })));
				row.addEventListener('dragstart', function (e) { e.dataTransfer.setData('text/plain', String(r.pos)); });
				row.addEventListener('dragover', function (e) { e.preventDefault(); });
				row.addEventListener('drop', function (e) {
					e.preventDefault();
					var from = Number(e.dataTransfer.getData('text/plain'));
					if (from !== r.pos) moveRule(from, r.pos);
				});
				return row;
			}));
			applyPerms();
		});
	}

	q('#puq-fw-policy').addEventListener('submit', function (e) {
		e.preventDefault();
		act('firewall_policy', { in: q('#puq-fw-in').value, out: q('#puq-fw-out').value }, firewall, 'The policies were saved.');
	});
	q('#puq-fw-add').addEventListener('submit', function (e) {
		e.preventDefault();
		var rule = {};
		qa('[name]', e.target).forEach(function (i) { rule[i.name] = i.value.trim(); });
		act('firewall_rule_add', { rule: rule }, function () {
			qa('input[name]', e.target).forEach(function (i) { i.value = ''; });
			return firewall();
		});
	});

	/* ---- pages ---- */

	var PAGES = { overview: overview, charts: charts, backups: backups, snapshots: snapshots, rdns: rdns,
		reinstall: reinstall, password: function () { return overview(); }, iso: iso, firewall: firewall };

	function open(page, keepAlert) {
		if (!PAGES[page]) page = 'overview';
		state.page = page;
		if (!keepAlert) hideAlert();
		qa('#puqkvm-menu li').forEach(function (li) { li.classList.toggle('active', li.getAttribute('data-page') === page); });
		qa('.puqkvm-page').forEach(function (s) { s.classList.toggle('hidden', s.getAttribute('data-view') !== page); });
		root.setAttribute('data-loading', page);
		return PAGES[page]().catch(failed).then(function () {
			root.removeAttribute('data-loading');
			root.setAttribute('data-loaded', page);
			scheduleOverview();
		});
	}

	window.addEventListener('hashchange', function () { open(location.hash.slice(1)); });
	var first = location.hash.slice(1);
	(first && first !== 'overview' ? overview().catch(function () {}) : Promise.resolve()).then(function () { open(first || 'overview'); });
})();

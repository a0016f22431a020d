// Cluster-wide and node-level endpoints of the Proxmox simulator: version, nodes,
// cluster resources and nextid, storages and their content, networks, backups
// (vzdump, volume deletion), tasks and access (ticket login, permissions).
//
// Shapes and texts follow research/apis.md 1.4-1.6 (read from pve-manager,
// pve-storage, pve-access-control). Each handler gets ctx = {cluster, p (validated
// parameters incl. path ones), who (identity), user (UPID user)} and returns the
// "data" value or throws PveError.
'use strict';

const crypto = require('node:crypto');

const cfg = require('./vmconfig');
const { fail, paramFail } = require('./state');

// A backup's notes from vzdump's notes-template as Proxmox writes them (PVE::VZDump
// generate_notes): the escapes "\\" and "\n" first, then {{cluster}}, {{guestname}},
// {{node}} and {{vmid}}. Any other escape makes Proxmox skip the notes with a warning.
function backupNotes(template, vm, c) {
	let bad = false;
	const text = template.replace(/\\(.)/gs, (all, ch) => {
		if (ch === '\\') return '\\';
		if (ch === 'n') return '\n';
		bad = true;
		return all;
	});
	if (bad) return undefined;
	const vars = { cluster: c.clustername, guestname: vm.config.name || '', node: vm.node, vmid: String(vm.vmid) };
	return text.replace(/\{\{(cluster|guestname|node|vmid)\}\}/g, (all, name) => vars[name]);
}

function node(ctx) {
	const n = ctx.cluster.nodes.get(ctx.p.node);
	if (!n) fail(500, `hostname lookup '${ctx.p.node}' failed - failed to get address info for: ${ctx.p.node}: Name or service not known`);
	return n;
}

function storageEntry(s) {
	const used = [...s.volumes.values()].reduce((a, v) => a + (v.size || 0), 0);
	return { storage: s.id, type: s.type, content: [...s.content].sort().join(','), shared: s.shared ? 1 : 0,
		active: 1, enabled: 1, total: s.total, used, avail: s.total - used, used_fraction: used / s.total };
}

function vmResource(c, vm) {
	const conf = vm.config;
	const running = vm.status === 'running';
	const e = { id: `qemu/${vm.vmid}`, type: 'qemu', vmid: vm.vmid, node: vm.node, name: conf.name || `VM ${vm.vmid}`,
		status: vm.status, template: conf.template ? 1 : 0, maxcpu: Number(conf.cores || 1) * Number(conf.sockets || 1),
		cpu: running ? 0.0123 : 0, maxmem: Number(String(conf.memory || 512).replace('current=', '')) * 2 ** 20,
		mem: running ? 812345678 : 0, maxdisk: 0, disk: 0, netin: 0, netout: 0, diskread: 0, diskwrite: 0,
		uptime: running ? Math.floor((c.now() - vm.startedAt) / 1000) : 0 };
	if (conf.lock) e.lock = conf.lock;
	if (conf.tags) e.tags = conf.tags;
	if (c.knobs.version >= 9) e.memhost = e.mem;
	return e;
}

const handlers = {
	'GET /version': (ctx) => (ctx.cluster.knobs.version >= 9
		? { version: '9.1.1', release: '9.1', repoid: '42b3a6c8e1f0d5a7' }
		: { version: '8.4.1', release: '8.4', repoid: '2a5fa54a8503f96d' }),

	'GET /nodes': (ctx) => [...ctx.cluster.nodes.values()].map((n) => (n.online
		? { node: n.name, status: 'online', cpu: 0.0213, maxcpu: 16, mem: 12884901888, maxmem: 68719476736,
			disk: 9663676416, maxdisk: 100861726720, uptime: 864000, level: '', id: `node/${n.name}`, type: 'node',
			ssl_fingerprint: ctx.cluster.fingerprint }
		: { node: n.name, status: 'offline', id: `node/${n.name}`, type: 'node' })),

	'GET /cluster/resources': (ctx) => {
		const c = ctx.cluster;
		const type = ctx.p.type;
		const out = [];
		if (!type || type === 'node')
			for (const n of c.nodes.values()) out.push({ id: `node/${n.name}`, type: 'node', node: n.name, status: n.online ? 'online' : 'offline', maxcpu: 16, maxmem: 68719476736, level: '', 'cgroup-mode': 2 });
		if (!type || type === 'vm')
			for (const vm of c.vms.values())
				if (!c.check(ctx.who, ['perm', '/vms/{vmid}', ['VM.Audit']], { vmid: vm.vmid })) out.push(vmResource(c, vm));
		if (!type || type === 'storage')
			for (const n of c.nodes.values())
				for (const s of c.storages.values())
					if (!s.nodes || s.nodes.includes(n.name)) {
						const e = storageEntry(s);
						out.push({ id: `storage/${n.name}/${s.id}`, type: 'storage', node: n.name, storage: s.id, content: e.content,
							plugintype: s.type, disk: e.used, maxdisk: e.total, status: 'available', shared: e.shared });
					}
		return out;
	},

	'GET /cluster/nextid': (ctx) => {
		const c = ctx.cluster;
		if (ctx.p.vmid !== undefined) {
			if (c.vms.has(ctx.p.vmid)) paramFail({ vmid: `VM ${ctx.p.vmid} already exists` });
			return String(ctx.p.vmid);
		}
		for (let id = 100; id < 1000000; id++) if (!c.vms.has(id)) return String(id); // a string, as Perl gives it
		fail(500, 'unable to get any free VMID in range [100, 1000000]');
	},

	'GET /nodes/{node}/storage': (ctx) => {
		node(ctx);
		return [...ctx.cluster.storages.values()]
			.filter((s) => !s.nodes || s.nodes.includes(ctx.p.node))
			.filter((s) => !ctx.p.content || ctx.p.content.split(',').some((x) => s.content.has(x)))
			.filter((s) => !ctx.cluster.check(ctx.who, ['perm', '/storage/{storage}', ['Datastore.Audit', 'Datastore.AllocateSpace'], 'any', 1], { storage: s.id }))
			.map(storageEntry);
	},

	'GET /nodes/{node}/storage/{storage}/content': (ctx) => {
		node(ctx);
		const s = ctx.cluster.storageOnNode(ctx.p.storage, ctx.p.node);
		if (!s) fail(500, `storage '${ctx.p.storage}' does not exist`);
		const out = [];
		for (const v of s.volumes.values()) {
			if (ctx.p.content && v.content !== ctx.p.content) continue;
			if (ctx.p.vmid !== undefined && v.vmid !== ctx.p.vmid) continue;
			const e = { volid: v.volid, content: v.content, format: v.format, size: v.size, ctime: v.ctime };
			if (v.vmid) e.vmid = v.vmid;
			if (v.content === 'backup') e.subtype = 'qemu';
			if (v.notes) e.notes = v.notes;
			if (v.protected) e.protected = 1;
			out.push(e);
		}
		return out;
	},

	'DELETE /nodes/{node}/storage/{storage}/content/{volume}': (ctx) => {
		node(ctx);
		const c = ctx.cluster;
		const s = c.storageOnNode(ctx.p.storage, ctx.p.node);
		if (!s) fail(500, `storage '${ctx.p.storage}' does not exist`);
		let volid = ctx.p.volume;
		const parts = cfg.splitVolid(volid);
		if (parts && c.storages.has(parts.storage) && parts.storage !== s.id)
			paramFail({ volume: `storage ID mismatch (${parts.storage} != ${s.id})` });
		if (!parts || !c.storages.has(parts.storage)) volid = `${s.id}:${volid}`;
		const vol = s.volumes.get(volid);
		if (!vol) fail(500, `volume '${volid}' does not exist`);
		const name = cfg.splitVolid(volid).volname;
		if (vol.protected) fail(500, `cannot remove protected volume '${name}' on '${s.id}'`);
		const upid = c.startTask({ node: ctx.p.node, type: 'imgdel', id: `${vol.vmid || ''}@${s.id}`, user: ctx.user,
			run: () => {
				if (!s.volumes.delete(volid)) throw new Error(`volume '${volid}' does not exist`);
			} });
		if (ctx.p.delay) {
			c.settle();
			if (c.tasks.get(upid).status === 'stopped' && c.tasks.get(upid).exitstatus === 'OK') return null;
		}
		return upid;
	},

	'GET /nodes/{node}/network': (ctx) => {
		const n = node(ctx);
		const t = ctx.p.type;
		return n.bridges.filter((b) => !t || b.type === t || (t === 'any_bridge' && (b.type === 'bridge' || b.type === 'OVSBridge')))
			.map((b) => ({ ...b, families: ['inet'], priority: 3 }));
	},

	'POST /nodes/{node}/vzdump': (ctx) => {
		node(ctx);
		const c = ctx.cluster;
		const p = ctx.p;
		if (p.stdout !== undefined) paramFail({ stdout: 'option is only allowed on the command line' });
		if ((p['notes-template'] !== undefined || p.protected !== undefined) && !p.storage)
			paramFail({ [p['notes-template'] !== undefined ? 'notes-template' : 'protected']: "missing property - 'storage' is required" });
		const ids = String(p.vmid || '').split(/[,;\s]+/).filter(Boolean).map(Number);
		const local = ids.map((id) => c.vms.get(id)).filter((vm) => vm && vm.node === p.node);
		// guests elsewhere are skipped: a node without any of them answers plain "OK"
		if (!local.length) return 'OK';
		const storage = p.storage || 'local';
		const st = c.storageOnNode(storage, p.node);
		if (!st) fail(500, `storage '${storage}' does not exist`);
		if (!st.content.has('backup')) fail(500, `storage '${storage}' does not support backups`);
		for (const vm of local) c.checkLock(vm);
		const compress = p.compress === undefined || p.compress === '0' ? '' : p.compress === '1' ? 'lzo' : p.compress;
		const ext = compress ? `.${compress === 'gzip' ? 'gz' : compress === 'zstd' ? 'zst' : compress}` : '';
		return c.startTask({ node: p.node, type: 'vzdump', id: local.length === 1 ? local[0].vmid : '', user: ctx.user,
			begin: () => {
				for (const vm of local) vm.config.lock = 'backup';
			},
			run: () => {
				for (const vm of local) {
					delete vm.config.lock;
					const t = new Date(c.now()).toISOString().replace(/\.\d+Z$/, 'Z'); // 2024-05-24T18:51:14Z
					const stamp = t.slice(0, 19).replace(/-/g, '_').replace('T', '-').replace(/:/g, '_');
					const volname = st.type === 'pbs' ? `backup/vm/${vm.vmid}/${t}` : `backup/vzdump-qemu-${vm.vmid}-${stamp}.vma${ext}`;
					const notes = p['notes-template'] ? backupNotes(p['notes-template'], vm, c) : undefined;
					c.addVolume(storage, volname, { content: 'backup', format: st.type === 'pbs' ? 'pbs-vm' : `vma${ext}`,
						size: 1234567890, vmid: vm.vmid, notes, protected: p.protected ? 1 : 0,
						config: JSON.parse(JSON.stringify(vm.config)) });
				}
			},
			onError: null });
	},

	// the node's tasks, newest first: running ones with source=active|all, finished ones
	// with archive|all; tasks of other users only with Sys.Audit on the node
	'GET /nodes/{node}/tasks': (ctx) => {
		node(ctx);
		const c = ctx.cluster;
		const p = ctx.p;
		const source = p.source || 'archive';
		const audit = !c.check(ctx.who, ['perm', '/nodes/{node}', ['Sys.Audit']], { node: p.node });
		const list = [...c.tasks.values()].filter((t) => t.node === p.node
			&& (source === 'all' || (source === 'active') === (t.status === 'running'))
			&& (p.vmid === undefined || t.id === String(p.vmid))
			&& (!p.typefilter || t.type === p.typefilter)
			&& (p.since === undefined || t.starttime >= p.since)
			&& (p.until === undefined || t.starttime <= p.until)
			&& (audit || t.user === ctx.user))
			.sort((a, b) => b.starttime - a.starttime || b.pid - a.pid);
		const start = p.start || 0;
		ctx.total = list.length;
		return list.slice(start, start + (p.limit ?? 50)).map((t) => ({ upid: t.upid, node: t.node, pid: t.pid,
			pstart: t.pstart, starttime: t.starttime, type: t.type, id: t.id, user: t.user,
			...(t.status === 'stopped' ? { status: t.exitstatus, endtime: Math.floor(t.endsAt / 1000) } : {}) }));
	},

	'GET /nodes/{node}/tasks/{upid}/status': (ctx) => {
		const c = ctx.cluster;
		const t = c.tasks.get(ctx.p.upid);
		if (!/^UPID:/.test(ctx.p.upid)) paramFail({ upid: 'unable to parse worker upid' });
		if (!t || t.node !== ctx.p.node) paramFail({ upid: 'no such task' });
		const [user, tokenid] = t.user.split('!');
		const out = { upid: t.upid, node: t.node, pid: t.pid, pstart: t.pstart, starttime: t.starttime, type: t.type,
			id: t.id, user, status: t.status };
		if (tokenid) out.tokenid = tokenid;
		if (t.status === 'stopped') out.exitstatus = t.exitstatus;
		return out;
	},

	'GET /nodes/{node}/tasks/{upid}/log': (ctx) => {
		const t = ctx.cluster.tasks.get(ctx.p.upid);
		if (!t || t.node !== ctx.p.node) paramFail({ upid: 'no such task' });
		const start = ctx.p.start || 0;
		const limit = ctx.p.limit ?? 50;
		const lines = t.log.length ? t.log : ['no content'];
		ctx.total = lines.length;
		return lines.slice(start, start + limit).map((line, i) => ({ n: start + i + 1, t: line }));
	},

	'DELETE /nodes/{node}/tasks/{upid}': (ctx) => {
		const c = ctx.cluster;
		const t = c.tasks.get(ctx.p.upid);
		if (!t || t.node !== ctx.p.node) paramFail({ upid: 'no such task' });
		if (t.status === 'running') {
			c.running = c.running.filter((x) => x !== t);
			t.status = 'stopped';
			t.exitstatus = 'unexpected status';
			t.log.push('received interrupt', 'TASK ERROR: interrupted by signal');
			if (t.onError) t.onError('interrupted by signal');
		}
		return null;
	},

	'POST /access/ticket': (ctx) => {
		const c = ctx.cluster;
		let username = ctx.p.username;
		if (ctx.p.realm && !username.includes('@')) username = `${username}@${ctx.p.realm}`;
		const id = c.identities.get(username);
		let ok = id && !id.token && id.password === ctx.p.password;
		// renewal: the current ticket as password
		if (!ok && id && c.tickets.has(ctx.p.password) && c.tickets.get(ctx.p.password).user === username) ok = true;
		if (!ok) {
			const e = new Error('authentication failure');
			e.status = 401;
			e.delayed = true;
			throw e;
		}
		const stamp = Math.floor(c.now() / 1000).toString(16).toUpperCase();
		const ticket = `PVE:${username}:${stamp}::${crypto.randomBytes(48).toString('base64')}`;
		const csrf = `${stamp}:${crypto.randomBytes(32).toString('base64').replace(/=+$/, '')}`;
		c.tickets.set(ticket, { user: username, csrf, expires: c.now() + 7200 * 1000 });
		return { username, ticket, CSRFPreventionToken: csrf, clustername: c.clustername,
			cap: { vms: {}, nodes: {}, storage: {}, access: {}, dc: {} } };
	},

	'GET /access/permissions': (ctx) => {
		const c = ctx.cluster;
		const who = ctx.p.userid ? c.identities.get(ctx.p.userid) : ctx.who;
		if (!who) paramFail({ userid: 'no such user' });
		const out = {};
		const paths = ctx.p.path ? [ctx.p.path] : Object.keys(who.acl || {});
		for (const path of paths) {
			const privs = c.privileges(who, path);
			if (!privs.length && ctx.p.path === undefined) continue;
			out[path] = Object.fromEntries(privs.map((x) => [x, 1]));
		}
		return out;
	},
};

module.exports = { handlers, node, vmResource };

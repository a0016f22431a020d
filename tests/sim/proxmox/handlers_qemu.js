// VM endpoints of the Proxmox simulator (/nodes/{node}/qemu...): create and restore,
// clone, config, pending, resize, migrate, power, status, destroy.
//
// Each keeps Proxmox's split between synchronous checks (an HTTP error, nothing
// started) and the worker (a UPID, errors only in the exitstatus), with the texts of
// qemu-server (research/apis.md 1.6, notes/proxmox-pitfalls.md): start/stop/shutdown and
// resize of a missing VM fail inside the task, other calls answer 500 "Configuration file
// ... does not exist"; a clone's UPID names the source; linked clones on local storage
// cannot migrate; parallel clones on one storage hit "cfs-lock ... got lock request
// timeout"; a stale digest is refused.
'use strict';

const cfg = require('./vmconfig');
const { fail, paramFail, newFirewall } = require('./state');
const { node } = require('./handlers_cluster');

const META = new Set(['node', 'vmid', 'delete', 'revert', 'digest', 'force', 'skiplock', 'background_delay']);
const ROOT_ONLY_KEYS = new Set(['args', 'lock', 'hookscript', 'vmstatestorage']);
const RESTORE_KEYS = new Set(['node', 'vmid', 'archive', 'storage', 'force', 'unique', 'pool', 'start', 'live-restore', 'bwlimit']);

const notExist = (n, vmid) => `Configuration file 'nodes/${n}/qemu-server/${vmid}.conf' does not exist`;
const isRoot = (ctx) => ctx.who && ctx.who.id === 'root@pam';
const STALE = 'detected modified configuration - file changed by other user? Try again.';

// Volumes of a config's disks (no cd-roms).
function diskVolumes(config) {
	const out = [];
	for (const [k, v] of Object.entries(config)) {
		if (!cfg.isDriveKey(k) && !/^unused\d+$/.test(k)) continue;
		const d = cfg.parseDrive(v);
		if (d.media === 'cdrom' || d.file === 'none' || /cloudinit/.test(d.file)) continue;
		const vol = cfg.splitVolid(d.file);
		if (vol) out.push({ key: k, drive: d, ...vol, volid: d.file });
	}
	return out;
}

// Applies config keys; allocates "storage:size" disks. Throws PveError.
function applyConfig(c, vm, values, ctx) {
	for (const [k, raw] of Object.entries(values)) {
		let v = String(raw);
		if (/^net\d+$/.test(k)) {
			const o = cfg.parseNet(v);
			if (!o.macaddr) o.macaddr = cfg.randomMac();
			const br = o.bridge;
			if (br) {
				const denied = c.check(ctx.who, ['perm', `/sdn/zones/localnetwork/${br}${o.tag ? `/${o.tag}` : ''}`, ['SDN.Use']], {});
				if (denied && c.knobs.version >= 8) fail(403, `Permission check failed (/sdn/zones/localnetwork/${br}, SDN.Use)`);
			}
			v = cfg.printNet(o);
		} else if (cfg.isDriveKey(k)) {
			const d = cfg.parseDrive(v);
			const alloc = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(\d+(?:\.\d+)?)$/i.exec(d.file);
			if (alloc && d.media !== 'cdrom') {
				const st = c.storageOnNode(alloc[1], vm.node);
				if (!st) fail(500, `storage '${alloc[1]}' does not exist`);
				if (!st.content.has('images')) fail(500, `storage '${alloc[1]}' does not support vm images`);
				const size = Math.round(Number(alloc[2]) * 2 ** 30);
				const vol = c.allocDisk(alloc[1], vm.vmid, size, d.format);
				d.file = vol.volid;
				d.size = cfg.formatSize(size);
				delete d.format;
				v = cfg.printDrive(d);
			} else if (/^[a-z][a-z0-9\-_.]*:cloudinit$/i.test(d.file)) {
				d.file = `${d.file.split(':')[0]}:vm-${vm.vmid}-cloudinit`;
				v = cfg.printDrive(d);
			} else {
				v = cfg.printDrive(d);
			}
		}
		vm.config[k] = v;
	}
}

function configWrite(ctx, async) {
	const c = ctx.cluster;
	const p = ctx.p;
	node(ctx);
	const vm = c.vmOn(p.node, p.vmid);
	const values = {};
	for (const [k, v] of Object.entries(p)) if (!META.has(k)) values[k] = v;
	const del = (p.delete || '').split(/[,;\s]+/).filter(Boolean).map((k) => (k === 'cdrom' ? 'ide2' : k));
	if (p.skiplock !== undefined && !isRoot(ctx)) paramFail({ skiplock: 'Only root may use this option.' });
	if (p.force !== undefined && !del.length) paramFail({ force: "missing property - 'delete' is required" });
	for (const k of del) {
		if (!c.validConfigKey(k)) paramFail({ delete: `unknown option '${k}'` });
		if (k in values) paramFail({ delete: `you can't use '-${k}' and -delete ${k}' at the same time` });
	}
	if (!Object.keys(values).length && !del.length && !p.revert) fail(500, 'no options specified');
	for (const k of Object.keys(values))
		if (ROOT_ONLY_KEYS.has(k) && !isRoot(ctx)) fail(403, `only root can set '${k}' config`);
	if (p.digest && p.digest !== cfg.digest(vm.config)) fail(500, STALE);
	if (vm.config.lock && !(p.skiplock && isRoot(ctx))) c.checkLock(vm);
	if (vm.config.template && Object.keys(values).some(cfg.isDriveKey)) fail(500, "you can't change the disks of a template");
	applyConfig(c, vm, values, ctx);
	for (const k of del) {
		const old = vm.config[k];
		delete vm.config[k];
		// a deleted disk becomes unusedN unless force removes its volume
		if (old && cfg.isDriveKey(k)) {
			const d = cfg.parseDrive(old);
			const vol = cfg.splitVolid(d.file);
			if (vol && d.media !== 'cdrom' && !/cloudinit/.test(d.file)) {
				if (p.force) c.storages.get(vol.storage)?.volumes.delete(d.file);
				else {
					let i = 0;
					while (vm.config[`unused${i}`]) i++;
					vm.config[`unused${i}`] = d.file;
				}
			}
		}
	}
	if (!async) return null;
	return c.startTask({ node: p.node, type: 'qmconfig', id: vm.vmid, user: ctx.user, log: ['update VM ' + vm.vmid + ': ' + Object.keys(values).join(', ')] });
}

const handlers = {
	'GET /nodes/{node}/qemu': (ctx) => {
		node(ctx);
		return [...ctx.cluster.vms.values()].filter((vm) => vm.node === ctx.p.node).map((vm) => ({
			vmid: vm.vmid, name: vm.config.name, status: vm.status, template: vm.config.template ? 1 : undefined,
			cpus: Number(vm.config.cores || 1), maxmem: Number(String(vm.config.memory || 512).replace('current=', '')) * 2 ** 20,
			uptime: vm.status === 'running' ? Math.floor((ctx.cluster.now() - vm.startedAt) / 1000) : 0,
			...(vm.config.lock ? { lock: vm.config.lock } : {}),
		}));
	},

	// create, or restore with archive
	'POST /nodes/{node}/qemu': (ctx) => {
		const c = ctx.cluster;
		const p = ctx.p;
		node(ctx);
		const existing = c.vms.get(p.vmid);
		if (p.archive !== undefined) {
			// only disk keys conflict; other keys override the restored config
			const conflicts = {};
			const overrides = {};
			for (const k of Object.keys(p)) {
				if (RESTORE_KEYS.has(k)) continue;
				if (cfg.isDriveKey(k) || /^(efidisk|tpmstate|unused)\d+$/.test(k)) conflicts[k] = "option conflicts with option 'archive'";
				else overrides[k] = p[k];
			}
			if (Object.keys(conflicts).length) paramFail(conflicts);
			if (existing && (!p.force || existing.node !== p.node))
				fail(500, `unable to restore VM ${p.vmid} - VM ${p.vmid} already exists on node '${existing.node}'`);
			if (existing && existing.status === 'running') fail(500, `unable to restore VM ${p.vmid} - VM is running`);
			if (existing) c.checkLock(existing);
			const vol = cfg.splitVolid(p.archive);
			const backup = vol && c.storages.get(vol.storage)?.volumes.get(p.archive);
			if (!backup || backup.content !== 'backup') fail(500, `volume '${p.archive}' does not exist`);
			if (p.storage && !c.storageOnNode(p.storage, p.node)) fail(500, `storage '${p.storage}' does not exist`);
			let target = existing;
			return c.startTask({ node: p.node, type: 'qmrestore', id: p.vmid, user: ctx.user,
				begin: () => {
					if (!target) {
						target = { vmid: p.vmid, node: p.node, status: 'stopped', snapshots: new Map(), firewall: newFirewall(), config: {} };
						c.vms.set(p.vmid, target);
					}
					target.config.lock = 'create';
				},
				run: () => {
					// old disks go, the backup's disks come back (on storage= if given)
					for (const d of diskVolumes(target.config)) c.storages.get(d.storage)?.volumes.delete(d.volid);
					const conf = JSON.parse(JSON.stringify(backup.config || {}));
					for (const k of Object.keys(conf)) {
						if (!cfg.isDriveKey(k)) continue;
						const d = cfg.parseDrive(conf[k]);
						const src = cfg.splitVolid(d.file);
						if (!src || d.media === 'cdrom' || /cloudinit/.test(d.file)) continue;
						const vol = c.allocDisk(p.storage || src.storage, p.vmid, cfg.parseSize(d.size || '1G') || 2 ** 30);
						d.file = vol.volid;
						conf[k] = cfg.printDrive(d);
					}
					if (p.unique) for (const k of Object.keys(conf)) if (/^net\d+$/.test(k)) conf[k] = cfg.printNet({ ...cfg.parseNet(conf[k]), macaddr: cfg.randomMac() });
					delete conf.lock;
					target.config = conf;
					applyConfig(c, target, overrides, ctx);
					target.snapshots = new Map();
					if (p.start) {
						target.status = 'running';
						target.startedAt = c.now();
					}
				},
				onError: () => target && delete target.config.lock });
		}
		if (existing) fail(500, `unable to create VM ${p.vmid} - VM ${p.vmid} already exists on node '${existing.node}'`);
		const values = {};
		for (const [k, v] of Object.entries(p)) if (!META.has(k) && !RESTORE_KEYS.has(k)) values[k] = v;
		const vm = { vmid: p.vmid, node: p.node, status: 'stopped', snapshots: new Map(), firewall: newFirewall(), config: { lock: 'create' } };
		c.vms.set(p.vmid, vm);
		try {
			applyConfig(c, vm, values, ctx);
		} catch (e) {
			c.vms.delete(p.vmid);
			throw e;
		}
		return c.startTask({ node: p.node, type: 'qmcreate', id: p.vmid, user: ctx.user, run: () => delete vm.config.lock });
	},

	'POST /nodes/{node}/qemu/{vmid}/clone': (ctx) => {
		const c = ctx.cluster;
		const p = ctx.p;
		node(ctx);
		const src = c.vmOn(p.node, p.vmid);
		const target = p.target || p.node;
		if (!c.nodes.has(target)) fail(500, `no such cluster node '${target}'`);
		const full = p.full !== undefined ? !!p.full : !src.config.template;
		if (!full && p.storage) paramFail({ storage: "parameter 'storage' not allowed for linked clones" });
		if (!full && p.format) paramFail({ format: "parameter 'format' not allowed for linked clones" });
		if (!full && !src.config.template) fail(500, 'Linked clone feature is not supported for a VM that is not a template');
		if (p.storage) {
			const st = c.storages.get(p.storage);
			if (!st) fail(500, `storage '${p.storage}' does not exist`);
			if (!st.content.has('images')) paramFail({ storage: `storage '${p.storage}' does not support vm images` });
			if (target !== p.node && !st.shared) fail(500, `can't clone to non-shared storage '${p.storage}'`);
		}
		if (target !== p.node && !c.disksShared(src)) fail(500, `can't clone VM to node '${target}' (VM uses local storage)`);
		c.checkLock(src);
		if (c.vms.has(p.newid)) fail(500, `unable to create VM ${p.newid}: config file already exists`);

		const disks = diskVolumes(src.config);
		const targetStorage = (d) => p.storage || d.storage;
		// allocation on one storage is serialised by a cluster lock with a timeout
		const busy = (sid) => c.runningTasks((t) => t.type === 'qmclone' && t.storages && t.storages.includes(sid)).length;
		const contended = disks.map(targetStorage).find((sid) => busy(sid) >= c.knobs.cloneCap);
		const clone = { vmid: p.newid, node: target, status: 'stopped', snapshots: new Map(), firewall: newFirewall(), config: {} };
		return c.startTask({ node: p.node, type: 'qmclone', id: p.vmid, user: ctx.user,
			log: [`create ${full ? 'full' : 'linked'} clone of drive${disks.length > 1 ? 's' : ''} ${disks.map((d) => `${d.key} (${d.volid})`).join(', ')}`],
			begin: (task) => {
				task.storages = disks.map(targetStorage);
				const conf = {};
				for (const [k, v] of Object.entries(src.config)) {
					if (/^unused\d+$/.test(k) || k === 'template' || k === 'lock' || k === 'parent') continue;
					conf[k] = /^net\d+$/.test(k) ? cfg.printNet({ ...cfg.parseNet(v), macaddr: cfg.randomMac() }) : v;
				}
				if (p.name) conf.name = p.name;
				if (p.description) conf.description = p.description;
				conf.lock = 'clone';
				clone.config = conf;
				c.vms.set(p.newid, clone);
			},
			run: () => {
				if (contended) throw new Error(`clone failed: cfs-lock 'storage-${contended}' error: got lock request timeout`);
				for (const d of disks) {
					const sid = targetStorage(d);
					let vol;
					if (full) vol = c.allocDisk(sid, p.newid, c.storages.get(d.storage).volumes.get(d.volid)?.size || 2 ** 30, p.format);
					else vol = c.addVolume(sid, `${d.volname}/vm-${p.newid}-disk-${disks.indexOf(d)}`,
						{ content: 'images', format: 'raw', size: c.storages.get(d.storage).volumes.get(d.volid)?.size, vmid: p.newid, linkedFrom: d.volid });
					const drive = { ...d.drive, file: vol.volid };
					clone.config[d.key] = cfg.printDrive(drive);
				}
				for (const [k, v] of Object.entries(clone.config))
					if (/cloudinit/.test(v) && cfg.isDriveKey(k)) clone.config[k] = v.replace(/vm-\d+-cloudinit/, `vm-${p.newid}-cloudinit`);
				delete clone.config.lock;
			},
			onError: () => {
				// a failed clone removes the new config and its volumes
				for (const s of c.storages.values()) for (const [id, v] of s.volumes) if (v.vmid === p.newid) s.volumes.delete(id);
				if (c.vms.get(p.newid) === clone) c.vms.delete(p.newid);
			} });
	},

	'GET /nodes/{node}/qemu/{vmid}/config': (ctx) => {
		node(ctx);
		const c = ctx.cluster;
		const vm = c.vmOn(ctx.p.node, ctx.p.vmid);
		if (ctx.p.snapshot !== undefined && ctx.p.current !== undefined)
			paramFail({ snapshot: "option conflicts with option 'current'" });
		if (ctx.p.snapshot !== undefined) {
			const s = vm.snapshots.get(ctx.p.snapshot);
			if (!s) fail(500, `snapshot '${ctx.p.snapshot}' does not exist`);
			return cfg.view(s.config, c.knobs.version);
		}
		return cfg.view(vm.config, c.knobs.version);
	},
	'POST /nodes/{node}/qemu/{vmid}/config': (ctx) => configWrite(ctx, true),
	'PUT /nodes/{node}/qemu/{vmid}/config': (ctx) => configWrite(ctx, false),

	'GET /nodes/{node}/qemu/{vmid}/pending': (ctx) => {
		node(ctx);
		const vm = ctx.cluster.vmOn(ctx.p.node, ctx.p.vmid);
		return Object.entries(cfg.view(vm.config, ctx.cluster.knobs.version)).filter(([k]) => k !== 'digest').map(([key, value]) => ({ key, value }));
	},

	// PVE 8+: a UPID whatever happens; every problem shows in the task
	'PUT /nodes/{node}/qemu/{vmid}/resize': (ctx) => {
		const c = ctx.cluster;
		const p = ctx.p;
		node(ctx);
		return c.startTask({ node: p.node, type: 'resize', id: p.vmid, user: ctx.user,
			run: () => {
				const vm = c.vms.get(p.vmid);
				if (!vm || vm.node !== p.node) throw new Error(notExist(p.node, p.vmid));
				if (vm.config.lock) throw new Error(`VM is locked (${vm.config.lock})`);
				if (p.digest && p.digest !== cfg.digest(vm.config)) throw new Error('checksum mismatch (file change by other user?)');
				const v = vm.config[p.disk];
				if (!v || !cfg.isDriveKey(p.disk)) throw new Error(`disk '${p.disk}' does not exist`);
				const d = cfg.parseDrive(v);
				if (d.media === 'cdrom') throw new Error("you can't resize a cdrom");
				const cur = cfg.parseSize(d.size || '0') || 0;
				const m = /^(\+)?(\d+(?:\.\d+)?)([KMGT])?$/.exec(p.size);
				const amount = Math.round(Number(m[2]) * (m[3] ? cfg.parseSize(`1${m[3]}`) : 1));
				const next = m[1] ? cur + amount : amount;
				if (next < cur) throw new Error('shrinking disks is not supported');
				if (next === cur) return 0;
				d.size = cfg.formatSize(next);
				vm.config[p.disk] = cfg.printDrive(d);
				const vol = cfg.splitVolid(d.file);
				const rec = vol && c.storages.get(vol.storage)?.volumes.get(d.file);
				if (rec) rec.size = next;
				return 0;
			} });
	},

	'GET /nodes/{node}/qemu/{vmid}/migrate': (ctx) => {
		const c = ctx.cluster;
		node(ctx);
		const vm = c.vmOn(ctx.p.node, ctx.p.vmid);
		const local = diskVolumes(vm.config).filter((d) => !c.storages.get(d.storage)?.shared);
		return { running: vm.status === 'running' ? 1 : 0,
			allowed_nodes: [...c.nodes.keys()].filter((n) => n !== vm.node),
			not_allowed_nodes: {}, local_disks: local.map((d) => ({ volid: d.volid, drivename: d.key, size: 0,
				is_unused: /^unused/.test(d.key) ? 1 : 0, ...(d.volname.includes('/') ? { cdrom: 0 } : {}) })),
			local_resources: [] };
	},

	'POST /nodes/{node}/qemu/{vmid}/migrate': (ctx) => {
		const c = ctx.cluster;
		const p = ctx.p;
		node(ctx);
		const vm = c.vmOn(p.node, p.vmid);
		if (p.target === p.node) paramFail({ target: 'target is local node.' });
		if (!c.nodes.has(p.target)) fail(500, `no such cluster node '${p.target}'`);
		for (const k of ['force', 'migration_type', 'migration_network'])
			if (p[k] !== undefined && !isRoot(ctx)) paramFail({ [k]: 'Only root may use this option.' });
		if (vm.status === 'running' && !p.online) fail(500, "can't migrate running VM without --online");
		c.checkLock(vm);
		return c.startTask({ node: p.node, type: 'qmigrate', id: p.vmid, user: ctx.user,
			log: [`starting migration of VM ${p.vmid} to node '${p.target}'`],
			begin: () => (vm.config.lock = 'migrate'),
			run: (task) => {
				const moves = [];
				for (const d of diskVolumes(vm.config)) {
					const st = c.storages.get(d.storage);
					if (st?.shared) continue;
					// a linked clone's disk depends on its base volume, which stays behind
					if (/^base-\d+-disk-\d+\//.test(d.volname)) {
						task.log.push(`ERROR: can't migrate '${d.volid}' as it's a clone of '${d.volname.split('/')[0]}'`);
						throw new Error('migration aborted');
					}
					const map = p.targetstorage && p.targetstorage !== '1'
						? (p.targetstorage.includes(':') ? Object.fromEntries(p.targetstorage.split(',').map((x) => x.split(':')))[d.storage] : p.targetstorage)
						: d.storage;
					const dst = c.storageOnNode(map, p.target);
					if (!dst || !dst.content.has('images')) {
						task.log.push(`ERROR: storage '${map}' is not available on node '${p.target}'`);
						throw new Error('migration aborted');
					}
					moves.push({ d, dst });
				}
				for (const { d, dst } of moves) {
					const old = st(c, d.storage).volumes.get(d.volid);
					st(c, d.storage).volumes.delete(d.volid);
					const vol = c.allocDisk(dst.id, vm.vmid, old?.size || 2 ** 30);
					vm.config[d.key] = cfg.printDrive({ ...d.drive, file: vol.volid });
				}
				vm.node = p.target;
				delete vm.config.lock;
			},
			onError: () => delete vm.config.lock });
	},

	'POST /nodes/{node}/qemu/{vmid}/status/start': (ctx) => power(ctx, 'qmstart', (vm) => {
		if (vm.status === 'running') throw new Error(`VM ${vm.vmid} already running`);
		if (vm.config.template) throw new Error("you can't start a vm if it's a template");
		for (const [k, v] of Object.entries(vm.config)) {
			if (!/^net\d+$/.test(k)) continue;
			const br = cfg.parseNet(v).bridge;
			if (br && !ctx.cluster.nodes.get(vm.node).bridges.some((b) => b.iface === br)) throw new Error(`bridge '${br}' does not exist`);
		}
		vm.status = 'running';
		vm.startedAt = ctx.cluster.now();
	}),
	'POST /nodes/{node}/qemu/{vmid}/status/stop': (ctx) => power(ctx, 'qmstop', (vm) => {
		vm.status = 'stopped';
	}),
	'POST /nodes/{node}/qemu/{vmid}/status/shutdown': (ctx) => power(ctx, 'qmshutdown', (vm) => {
		vm.status = 'stopped';
	}),
	'POST /nodes/{node}/qemu/{vmid}/status/reboot': (ctx) => {
		const vm = ctx.cluster.vmOn(ctx.p.node, ctx.p.vmid);
		if (vm.status !== 'running') fail(500, `VM ${vm.vmid} not running`);
		return power(ctx, 'qmreboot', (v) => (v.startedAt = ctx.cluster.now()));
	},

	'GET /nodes/{node}/qemu/{vmid}/status/current': (ctx) => {
		const c = ctx.cluster;
		node(ctx);
		const vm = c.vmOn(ctx.p.node, ctx.p.vmid);
		const running = vm.status === 'running';
		const maxmem = Number(String(vm.config.memory || 512).replace('current=', '')) * 2 ** 20;
		const out = { status: vm.status, qmpstatus: vm.status, vmid: vm.vmid, name: vm.config.name,
			cpus: Number(vm.config.cores || 1) * Number(vm.config.sockets || 1), maxmem, mem: running ? Math.floor(maxmem * 0.4) : 0,
			maxdisk: 0, disk: 0, netin: 0, netout: 0, diskread: 0, diskwrite: 0,
			uptime: running ? Math.floor((c.now() - vm.startedAt) / 1000) : 0, cpu: running ? 0.0123 : 0, ha: { managed: 0 } };
		if (running) Object.assign(out, { pid: 4242, 'running-machine': 'pc-i440fx-9.0+pve0', 'running-qemu': '9.0.2' });
		if (vm.config.lock) out.lock = vm.config.lock;
		if (vm.config.template) out.template = 1;
		if (vm.config.agent) out.agent = 1;
		return out;
	},

	'DELETE /nodes/{node}/qemu/{vmid}': (ctx) => {
		const c = ctx.cluster;
		const p = ctx.p;
		node(ctx);
		const vm = c.vmOn(p.node, p.vmid);
		if (vm.config.protection) fail(500, `can't remove VM ${p.vmid} - protection mode enabled`);
		if (vm.status === 'running') fail(500, `VM ${p.vmid} is running - destroy failed`);
		c.checkLock(vm);
		return c.startTask({ node: p.node, type: 'qmdestroy', id: p.vmid, user: ctx.user,
			begin: () => (vm.config.lock = 'destroyed'),
			run: () => {
				const referenced = new Set(diskVolumes(vm.config).map((d) => d.volid));
				for (const s of c.storages.values())
					for (const [id, v] of s.volumes)
						if (v.vmid === p.vmid && v.content === 'images' && (referenced.has(id) || p['destroy-unreferenced-disks']))
							s.volumes.delete(id);
				for (const s of c.storages.values()) s.volumes.delete(`${s.id}:vm-${p.vmid}-cloudinit`);
				c.vms.delete(p.vmid);
			},
			onError: () => delete vm.config.lock });
	},
};

const st = (c, id) => c.storages.get(id);

// start/stop/shutdown/reboot: a UPID even for a VM that does not exist.
function power(ctx, type, effect) {
	const c = ctx.cluster;
	const p = ctx.p;
	node(ctx);
	for (const k of ['skiplock', 'keepActive', 'migratedfrom'])
		if (p[k] !== undefined && !isRoot(ctx)) paramFail({ [k]: 'Only root may use this option.' });
	// the worker loads the config and checks the lock as soon as it is forked
	let early = null;
	return c.startTask({ node: p.node, type, id: p.vmid, user: ctx.user,
		begin: () => {
			const vm = c.vms.get(p.vmid);
			if (!vm || vm.node !== p.node) early = notExist(p.node, p.vmid);
			else if (vm.config.lock) early = `VM is locked (${vm.config.lock})`;
		},
		run: () => {
			if (early) throw new Error(early);
			const vm = c.vms.get(p.vmid);
			if (!vm) throw new Error(notExist(p.node, p.vmid));
			effect(vm);
			return 0;
		} });
}

module.exports = { handlers, diskVolumes };

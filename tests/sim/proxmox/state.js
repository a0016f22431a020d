// The simulated cluster: nodes, bridges, storages and their volumes, VMs with configs,
// locks, snapshots and firewalls, API identities with ACLs, and tasks.
//
// Tasks follow Proxmox's split: a handler makes its synchronous checks and answers a
// UPID at once; the work runs "in a worker" that finishes after the task's duration
// (knobs.taskMs, per type in knobs.taskMsByType) and may fail, visible only in the
// task's exitstatus. No timers run: every request first settles the tasks whose time
// has come (settle()), so the state a client sees is exactly what the clock says.
'use strict';

const crypto = require('node:crypto');

const cfg = require('./vmconfig');

class PveError extends Error {
	// status, message (reason phrase and "message"), errors map for 400
	constructor(status, message, errors) {
		super(message);
		this.status = status;
		this.errors = errors || null;
	}
}

const fail = (status, message, errors) => {
	throw new PveError(status, message, errors);
};
const paramFail = (errors) => fail(400, 'Parameter verification failed.', errors);

const DEFAULT_KNOBS = {
	version: 9,            // schema and behaviour: 9 (default) or 8
	messageField: true,    // errors carry "message" in the body (pve-http-server >= 5.2.0)
	latencyMs: 0,          // added to every answer
	error500Rate: 0,       // share of requests answered 500 before doing anything
	timeoutRate: 0,        // share of requests never answered (the client must time out)
	lostAnswerRate: 0,     // share executed but the connection dropped before the answer
	resetRate: 0,          // share whose connection is reset before anything is done
	taskMs: 30,            // default task duration
	taskMsByType: {},      // e.g. {qmclone: 500}
	taskFailRate: 0,       // share of tasks ending with an error exitstatus
	cloneCap: 4,           // clones running at once per target storage before cfs-lock fails
	authFailDelayMs: 3000, // pveproxy delays a 401 by about 3 s
	clockOffsetMs: 0,      // added to the cluster's clock: tests move time on (RRD, tasks)
};

const hex8 = (n) => (n >>> 0).toString(16).toUpperCase().padStart(8, '0');

function defaultTopology() {
	const bridges = [
		{ iface: 'vmbr0', type: 'bridge', active: 1, autostart: 1, bridge_ports: 'eno1', method: 'static', comments: 'public\n' },
		{ iface: 'vmbr1', type: 'bridge', active: 1, autostart: 1, bridge_ports: 'eno2', method: 'manual' },
		{ iface: 'eno1', type: 'eth', active: 1, method: 'manual', exists: 1 },
	];
	return {
		nodes: [
			{ name: 'pve1', online: true, bridges },
			{ name: 'pve2', online: true, bridges },
			{ name: 'pve3', online: true, bridges },
		],
		storages: [
			{ id: 'local', type: 'dir', content: ['iso', 'vztmpl', 'backup', 'snippets'], shared: false, total: 100 * 2 ** 30 },
			{ id: 'local-lvm', type: 'lvmthin', content: ['images', 'rootdir'], shared: false, total: 1024 * 2 ** 30 },
			{ id: 'ceph-vm', type: 'rbd', content: ['images'], shared: true, total: 8192 * 2 ** 30 },
			{ id: 'nfs-backup', type: 'nfs', content: ['backup', 'iso'], shared: true, total: 4096 * 2 ** 30 },
			{ id: 'pbs', type: 'pbs', content: ['backup'], shared: true, total: 16384 * 2 ** 30 },
		],
		templates: [
			// a template on local storage: linked clones of it cannot leave pve1
			{ vmid: 9000, node: 'pve1', name: 'debian-12', storage: 'local-lvm', size: '10G' },
			// a template on shared storage: clones can go to any node
			{ vmid: 9001, node: 'pve1', name: 'ubuntu-24-04', storage: 'ceph-vm', size: '12G' },
		],
		isos: ['debian-12.7.0-amd64-netinst.iso'],
		tokens: [
			{ id: 'automation@pve!ci', secret: '6f0c4d1e-9a7b-4c2e-8d55-3f1a2b3c4d5e', acl: { '/': 'all' } },
			{ id: 'audit@pve!ro', secret: '0b8d2f4e-1c3a-4e5f-9a7b-6c5d4e3f2a1b',
				acl: { '/': ['Sys.Audit', 'VM.Audit', 'Datastore.Audit', 'SDN.Audit', 'Pool.Audit'] } },
		],
		users: [{ id: 'root@pam', password: 'proxmox-root-pass', acl: { '/': 'all' } }],
	};
}

const ALL_PRIVS = ['Sys.Audit', 'Sys.Modify', 'Sys.Console', 'Sys.PowerMgmt', 'Datastore.Audit',
	'Datastore.Allocate', 'Datastore.AllocateSpace', 'Datastore.AllocateTemplate', 'VM.Audit',
	'VM.Allocate', 'VM.Clone', 'VM.Config.CDROM', 'VM.Config.CPU', 'VM.Config.Cloudinit',
	'VM.Config.Disk', 'VM.Config.HWType', 'VM.Config.Memory', 'VM.Config.Network',
	'VM.Config.Options', 'VM.Console', 'VM.Migrate', 'VM.PowerMgmt', 'VM.Snapshot',
	'VM.Snapshot.Rollback', 'VM.Backup', 'SDN.Use', 'SDN.Audit', 'Pool.Audit', 'Pool.Allocate',
	'VM.Monitor', 'VM.GuestAgent.Unrestricted'];

class Cluster {
	constructor(options = {}) {
		const topo = options.topology || defaultTopology();
		this.knobs = { ...DEFAULT_KNOBS, ...(options.knobs || {}) };
		this.schema = require('./schema').load(this.knobs.version);
		this.clustername = 'sim';
		this.nodes = new Map();
		for (const n of topo.nodes) this.nodes.set(n.name, { ...n, bridges: n.bridges.map((b) => ({ ...b })) });
		this.storages = new Map();
		for (const s of topo.storages)
			this.storages.set(s.id, { ...s, content: new Set(s.content), volumes: new Map() });
		this.vms = new Map();
		this.tasks = new Map();
		this.running = []; // tasks not yet settled
		this.identities = new Map();
		for (const t of topo.tokens) this.identities.set(t.id, { ...t, token: true });
		for (const u of topo.users) this.identities.set(u.id, { ...u, token: false });
		this.tickets = new Map();
		this.pid = 0x12a000;
		this.clock = options.clock || (() => Date.now());
		this.fingerprint = options.fingerprint || '';
		for (const iso of topo.isos || []) this.addVolume('local', `iso/${iso}`, { content: 'iso', format: 'iso', size: 660 * 2 ** 20 });
		for (const t of topo.templates) this.addTemplate(t);
	}

	now() {
		return this.clock() + (Number(this.knobs.clockOffsetMs) || 0);
	}

	// ---- storage ----
	addVolume(storage, volname, v) {
		const s = this.storages.get(storage);
		const vol = { volid: `${storage}:${volname}`, ctime: Math.floor(this.now() / 1000), size: 0, ...v };
		s.volumes.set(vol.volid, vol);
		return vol;
	}

	storageOnNode(id, node) {
		const s = this.storages.get(id);
		return s && (!s.nodes || s.nodes.includes(node)) ? s : null;
	}

	// a new disk volume name on storage for vmid
	allocDisk(storage, vmid, size, format, prefix = 'vm') {
		const s = this.storages.get(storage);
		let i = 0;
		const file = s.type === 'dir' || s.type === 'nfs';
		const name = (n) => (file ? `${vmid}/${prefix}-${vmid}-disk-${n}.${format || 'qcow2'}` : `${prefix}-${vmid}-disk-${n}`);
		while (s.volumes.has(`${storage}:${name(i)}`)) i++;
		return this.addVolume(storage, name(i), { content: 'images', format: format || (file ? 'qcow2' : 'raw'), size, vmid });
	}

	addTemplate(t) {
		const disk = this.allocDisk(t.storage, t.vmid, cfg.parseSize(t.size), null, 'base');
		this.vms.set(t.vmid, {
			vmid: t.vmid, node: t.node, status: 'stopped', snapshots: new Map(), firewall: newFirewall(),
			config: {
				name: t.name, template: 1, cores: 1, sockets: 1, memory: 2048, ostype: 'l26',
				scsihw: 'virtio-scsi-single', boot: 'order=scsi0', agent: '1',
				scsi0: `${disk.volid},iothread=1,size=${t.size}`, ide2: `${t.storage}:vm-${t.vmid}-cloudinit,media=cdrom`,
				net0: `virtio=${cfg.randomMac()},bridge=vmbr0,firewall=1`, serial0: 'socket', vga: 'serial0',
				smbios1: `uuid=${crypto.randomUUID()}`, vmgenid: crypto.randomUUID(),
				meta: `creation-qemu=9.0.2,ctime=${Math.floor(this.now() / 1000)}`,
			},
		});
	}

	// ---- VMs ----
	vmOn(node, vmid) {
		const vm = this.vms.get(Number(vmid));
		if (!vm || vm.node !== node) fail(500, `Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
		return vm;
	}

	// Whether key is a VM config key of the schema in force (net0-31, scsi0-30, ...).
	validConfigKey(key) {
		const props = this.schema.properties('/nodes/{node}/qemu/{vmid}/config', 'PUT');
		return props.has(key) && !['node', 'vmid', 'delete', 'revert', 'digest', 'force', 'skiplock'].includes(key);
	}

	checkLock(vm) {
		if (vm.config.lock) fail(500, `VM is locked (${vm.config.lock})`);
	}

	// Whether every disk of vm lives on shared storage.
	disksShared(vm) {
		for (const [k, v] of Object.entries(vm.config)) {
			if (!cfg.isDriveKey(k)) continue;
			const d = cfg.parseDrive(v);
			if (d.media === 'cdrom' || d.file === 'none') continue;
			const vol = cfg.splitVolid(d.file);
			if (vol && !this.storages.get(vol.storage)?.shared) return false;
		}
		return true;
	}

	// ---- identities and permissions ----
	privileges(identity, path) {
		const acl = identity.acl || {};
		for (let p = path; ; p = p.slice(0, p.lastIndexOf('/')) || '/') {
			if (acl[p]) return acl[p] === 'all' ? ALL_PRIVS : acl[p];
			if (p === '/') return [];
		}
	}

	// Evaluates a schema "check" expression; returns null or the failed "path, priv".
	check(identity, expr, params) {
		if (!expr || !identity) return null;
		const [op, ...args] = expr;
		if (op === 'and') {
			for (const e of args) {
				const r = this.check(identity, e, params);
				if (r) return r;
			}
			return null;
		}
		if (op === 'or') {
			let first = null;
			for (const e of args) {
				const r = this.check(identity, e, params);
				if (!r) return null;
				first = first || r;
			}
			return first;
		}
		if (op === 'perm') {
			const [tmpl, privs, mode, , extra, param] = args;
			if (extra === 'require_param' && params[param] === undefined) return `${tmpl}, ${privs[0]}`;
			const path = tmpl.replace(/\{(\w+)\}/g, (_, k) => params[k] ?? '');
			const have = this.privileges(identity, path);
			const ok = mode === 'any' ? privs.some((p) => have.includes(p)) : privs.every((p) => have.includes(p));
			return ok ? null : `${path}, ${mode === 'any' ? privs.join('|') : privs.find((p) => !have.includes(p))}`;
		}
		return null; // userid-param, userid-group, ...: not modelled
	}

	// ---- tasks ----
	// Starts a task. run() executes when it finishes and returns warnings (number) or
	// throws an Error whose message becomes the exitstatus; begin() runs at once.
	startTask({ node, type, id = '', user, begin, run, onError, log = [], ms }) {
		const now = this.now();
		this.pid += 1 + (this.pid % 7);
		const upid = `UPID:${node}:${hex8(this.pid)}:${hex8(0x0a1b2c3d + this.pid)}:${hex8(Math.floor(now / 1000))}:${type}:${id}:${user}:`;
		const duration = ms ?? this.knobs.taskMsByType[type] ?? this.knobs.taskMs;
		const task = { upid, node, type, id: String(id), user, pid: this.pid, pstart: 0x0a1b2c3d + this.pid,
			starttime: Math.floor(now / 1000), endsAt: now + duration, status: 'running', exitstatus: null,
			log: [...log], run, onError };
		this.tasks.set(upid, task);
		if (begin) begin(task);
		this.running.push(task);
		this.running.sort((a, b) => a.endsAt - b.endsAt);
		if (duration <= 0) this.settle();
		return upid;
	}

	finishTask(task) {
		task.status = 'stopped';
		try {
			if (this.knobs.taskFailRate > 0 && Math.random() < this.knobs.taskFailRate)
				throw new Error(`${task.type} failed: simulated worker failure (knob taskFailRate)`);
			const warnings = task.run ? task.run(task) : 0;
			task.exitstatus = warnings ? `WARNINGS: ${warnings}` : 'OK';
			task.log.push(warnings ? `TASK WARNINGS: ${warnings}` : 'TASK OK');
		} catch (err) {
			const msg = String(err.message || err).split('\n')[0];
			task.exitstatus = msg;
			task.log.push(`TASK ERROR: ${msg}`);
			if (task.onError) task.onError(msg);
		}
	}

	settle() {
		const now = this.now();
		while (this.running.length && this.running[0].endsAt <= now) this.finishTask(this.running.shift());
	}

	runningTasks(filter) {
		return this.running.filter(filter);
	}
}

function newFirewall() {
	return { options: {}, ipsets: new Map(), rules: [] };
}

module.exports = { Cluster, PveError, fail, paramFail, DEFAULT_KNOBS, defaultTopology, newFirewall, ALL_PRIVS };

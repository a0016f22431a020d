// VM snapshots, RRD statistics, the VNC proxy and the VM firewall (options, rules and
// IPSets such as ipfilter-net0) of the Proxmox simulator.
//
// Texts and shapes from research/apis.md 1.6.9-1.6.13 (qemu-server, pve-firewall): a
// snapshot name clash or a missing snapshot fails inside the task, new firewall rules
// are disabled unless enable=1 and always inserted at position 0, a duplicate IPSet
// entry is a 400 on "cidr", a non-empty IPSet needs force to go, the firewall digest
// guards concurrent edits with "detected modified configuration".
'use strict';

const crypto = require('node:crypto');
const net = require('node:net');

const cfg = require('./vmconfig');
const { fail, paramFail } = require('./state');
const { node } = require('./handlers_cluster');

const STALE = 'detected modified configuration - file changed by other user? Try again.';

function vmOf(ctx) {
	node(ctx);
	return ctx.cluster.vmOn(ctx.p.node, ctx.p.vmid);
}

function fwDigest(fw) {
	const text = JSON.stringify([fw.options, fw.rules, [...fw.ipsets].map(([n, s]) => [n, s.comment, [...s.entries]])]);
	return crypto.createHash('sha1').update(text).digest('hex');
}

function checkDigest(ctx, fw) {
	if (ctx.p.digest && ctx.p.digest !== fwDigest(fw)) fail(500, STALE);
}

function ipset(vm, name) {
	const s = vm.firewall.ipsets.get(name);
	if (!s) fail(500, `no such IPSet '${name}'`);
	return s;
}

// "192.0.2.10" or "192.0.2.0/24", normalised the way pve-firewall stores it
function normCidr(text) {
	const [addr, len] = text.split('/');
	const fam = net.isIP(addr);
	if (!fam) return null;
	if (len !== undefined) {
		const n = Number(len);
		if (!/^\d+$/.test(len) || n > (fam === 4 ? 32 : 128)) return null;
		if (n === 0) return { zero: true };
	}
	return { cidr: len === undefined ? addr : `${addr}/${len}` };
}

const FW_OPTIONS = ['enable', 'dhcp', 'ipfilter', 'macfilter', 'ndp', 'radv', 'policy_in', 'policy_out', 'log_level_in', 'log_level_out'];
const RULE_KEYS = ['type', 'action', 'enable', 'source', 'dest', 'proto', 'dport', 'sport', 'macro', 'iface', 'log', 'comment', 'icmp-type'];

const handlers = {
	// ---- snapshots ----
	'GET /nodes/{node}/qemu/{vmid}/snapshot': (ctx) => {
		const vm = vmOf(ctx);
		const out = [...vm.snapshots.values()].map((s) => ({ name: s.name, snaptime: s.snaptime, vmstate: s.vmstate ? 1 : 0,
			description: s.description || '', ...(s.parent ? { parent: s.parent } : {}) }));
		out.push({ name: 'current', digest: cfg.digest(vm.config), running: vm.status === 'running' ? 1 : 0,
			description: 'You are here!', ...(vm.parent ? { parent: vm.parent } : {}) });
		return out;
	},
	'POST /nodes/{node}/qemu/{vmid}/snapshot': (ctx) => {
		const c = ctx.cluster;
		const vm = vmOf(ctx);
		const name = ctx.p.snapname;
		if (['current', 'pending'].includes(name)) fail(500, `invalid snapshot name '${name}'`);
		c.checkLock(vm);
		if (ctx.p.vmstate && vm.status !== 'running') fail(500, 'VM is not running - cannot save vm state');
		return c.startTask({ node: vm.node, type: 'qmsnapshot', id: vm.vmid, user: ctx.user,
			begin: () => (vm.config.lock = 'snapshot'),
			run: () => {
				delete vm.config.lock;
				if (vm.snapshots.has(name)) throw new Error(`snapshot name '${name}' already used`);
				vm.snapshots.set(name, { name, snaptime: Math.floor(c.now() / 1000), description: ctx.p.description || '',
					vmstate: !!ctx.p.vmstate, parent: vm.parent, config: JSON.parse(JSON.stringify(vm.config)) });
				vm.parent = name;
			},
			onError: () => delete vm.config.lock });
	},
	'DELETE /nodes/{node}/qemu/{vmid}/snapshot/{snapname}': (ctx) => {
		const c = ctx.cluster;
		const vm = vmOf(ctx);
		const name = ctx.p.snapname;
		c.checkLock(vm);
		return c.startTask({ node: vm.node, type: 'qmdelsnapshot', id: vm.vmid, user: ctx.user,
			begin: () => vm.snapshots.has(name) && (vm.config.lock = 'snapshot-delete'),
			run: () => {
				delete vm.config.lock;
				const s = vm.snapshots.get(name);
				if (!s) throw new Error(`snapshot '${name}' does not exist`);
				vm.snapshots.delete(name);
				for (const o of vm.snapshots.values()) if (o.parent === name) o.parent = s.parent;
				if (vm.parent === name) vm.parent = s.parent;
			},
			onError: () => delete vm.config.lock });
	},
	'POST /nodes/{node}/qemu/{vmid}/snapshot/{snapname}/rollback': (ctx) => {
		const c = ctx.cluster;
		const vm = vmOf(ctx);
		const name = ctx.p.snapname;
		c.checkLock(vm);
		return c.startTask({ node: vm.node, type: 'qmrollback', id: vm.vmid, user: ctx.user,
			begin: () => vm.snapshots.has(name) && (vm.config.lock = 'rollback'),
			run: () => {
				delete vm.config.lock;
				const s = vm.snapshots.get(name);
				if (!s) throw new Error(`snapshot '${name}' does not exist`);
				vm.config = JSON.parse(JSON.stringify(s.config));
				vm.parent = name;
				vm.status = ctx.p.start ? 'running' : 'stopped';
				if (ctx.p.start) vm.startedAt = c.now();
			},
			onError: () => delete vm.config.lock });
	},

	// ---- statistics and console ----
	'GET /nodes/{node}/qemu/{vmid}/rrddata': (ctx) => {
		const c = ctx.cluster;
		const vm = vmOf(ctx);
		const v9 = c.knobs.version >= 9;
		const frames = v9 ? { hour: [60, 60], day: [1440, 60], week: [336, 1800], month: [1440, 1800], year: [1440, 21600] }
			: { hour: [70, 60], day: [70, 1800], week: [70, 10800], month: [70, 43200], year: [70, 604800] };
		const [count, step] = frames[ctx.p.timeframe];
		const end = Math.floor(c.now() / 1000 / step) * step;
		const maxmem = Number(String(vm.config.memory || 512).replace('current=', '')) * 2 ** 20;
		const out = [];
		for (let i = count - 1; i >= 0; i--) {
			const time = end - i * step;
			// no value for the newest sample, nor for a VM that is off
			if (i === 0 || vm.status !== 'running') {
				out.push({ time });
				continue;
			}
			const s = { time, cpu: 0.01 + 0.005 * Math.sin(time / 600), maxcpu: Number(vm.config.cores || 1),
				mem: maxmem * 0.4, maxmem, disk: 0, maxdisk: 34359738368, netin: 1234.5, netout: 234.1,
				diskread: 0, diskwrite: 4096.7 };
			if (v9) Object.assign(s, { memhost: maxmem * 0.45, pressurecpusome: 0.01, pressurecpufull: 0,
				pressureiosome: 0, pressureiofull: 0, pressurememorysome: 0, pressurememoryfull: 0 });
			out.push(s);
		}
		return out;
	},
	'POST /nodes/{node}/qemu/{vmid}/vncproxy': (ctx) => {
		const c = ctx.cluster;
		const vm = vmOf(ctx);
		const stamp = Math.floor(c.now() / 1000).toString(16).toUpperCase();
		const port = 5900 + (vm.vmid % 100);
		const upid = c.startTask({ node: vm.node, type: 'vncproxy', id: vm.vmid, user: ctx.user, ms: 10000,
			log: [`connection timed out`] });
		const out = { user: ctx.user, ticket: `PVEVNC:${stamp}::${crypto.randomBytes(32).toString('base64')}`,
			port: String(port), upid, cert: '-----BEGIN CERTIFICATE-----\n(simulator)\n-----END CERTIFICATE-----\n' };
		if (ctx.p.websocket || ctx.p['generate-password']) out.password = crypto.randomBytes(6).toString('base64url').slice(0, 8);
		return out;
	},

	// ---- guest agent ----
	// the agent answers only inside a running VM whose config enables it; the password a
	// user got is kept for tests (GET /__sim/vm shows it)
	'POST /nodes/{node}/qemu/{vmid}/agent/set-user-password': (ctx) => {
		const vm = vmOf(ctx);
		const agent = String(vm.config.agent || '0');
		if (!(agent === '1' || /(^|,)enabled=1/.test(agent))) fail(500, 'No QEMU guest agent configured');
		if (vm.status !== 'running') fail(500, `VM ${vm.vmid} is not running`);
		(vm.guestPasswords ||= {})[ctx.p.username] = ctx.p.password;
		return { result: {} };
	},

	// ---- firewall ----
	'GET /nodes/{node}/qemu/{vmid}/firewall/options': (ctx) => {
		const vm = vmOf(ctx);
		return { ...vm.firewall.options, digest: fwDigest(vm.firewall) };
	},
	'PUT /nodes/{node}/qemu/{vmid}/firewall/options': (ctx) => {
		const vm = vmOf(ctx);
		checkDigest(ctx, vm.firewall);
		for (const k of (ctx.p.delete || '').split(/[,;\s]+/).filter(Boolean)) delete vm.firewall.options[k];
		for (const k of FW_OPTIONS) if (ctx.p[k] !== undefined) vm.firewall.options[k] = ctx.p[k];
		return null;
	},
	'GET /nodes/{node}/qemu/{vmid}/firewall/rules': (ctx) => {
		const vm = vmOf(ctx);
		const digest = fwDigest(vm.firewall);
		return vm.firewall.rules.map((r, pos) => ({ pos, ...r, digest }));
	},
	'POST /nodes/{node}/qemu/{vmid}/firewall/rules': (ctx) => {
		const vm = vmOf(ctx);
		checkDigest(ctx, vm.firewall);
		const rule = { enable: 0 };
		for (const k of RULE_KEYS) if (ctx.p[k] !== undefined) rule[k] = ctx.p[k];
		// pve-firewall create_rule unshifts: "pos" is accepted by the schema and ignored
		vm.firewall.rules.unshift(rule);
		return null;
	},
	'GET /nodes/{node}/qemu/{vmid}/firewall/rules/{pos}': (ctx) => {
		const vm = vmOf(ctx);
		const r = vm.firewall.rules[ctx.p.pos];
		if (!r) fail(500, `no rule at position ${ctx.p.pos}`);
		return { pos: ctx.p.pos, ...r };
	},
	'PUT /nodes/{node}/qemu/{vmid}/firewall/rules/{pos}': (ctx) => {
		const vm = vmOf(ctx);
		checkDigest(ctx, vm.firewall);
		const rules = vm.firewall.rules;
		const r = rules[ctx.p.pos];
		if (!r) fail(500, `no rule at position ${ctx.p.pos}`);
		if (ctx.p.moveto !== undefined) {
			// pve-firewall update_rule: the rule goes before the one that was at index
			// moveto (counted with the rule still in place), or last past the end
			const moved = [];
			rules.forEach((x, i) => {
				if (i === ctx.p.pos) return;
				if (i === ctx.p.moveto) moved.push(r);
				moved.push(x);
			});
			if (ctx.p.moveto >= rules.length) moved.push(r);
			if (ctx.p.moveto !== ctx.p.pos) vm.firewall.rules = moved;
			return null;
		}
		for (const k of (ctx.p.delete || '').split(/[,;\s]+/).filter(Boolean)) delete r[k];
		for (const k of RULE_KEYS) if (ctx.p[k] !== undefined) r[k] = ctx.p[k];
		return null;
	},
	'DELETE /nodes/{node}/qemu/{vmid}/firewall/rules/{pos}': (ctx) => {
		const vm = vmOf(ctx);
		checkDigest(ctx, vm.firewall);
		if (!vm.firewall.rules[ctx.p.pos]) fail(500, `no rule at position ${ctx.p.pos}`);
		vm.firewall.rules.splice(ctx.p.pos, 1);
		return null;
	},
	'GET /nodes/{node}/qemu/{vmid}/firewall/ipset': (ctx) => {
		const vm = vmOf(ctx);
		const digest = fwDigest(vm.firewall);
		return [...vm.firewall.ipsets].map(([name, s]) => ({ name, digest, ...(s.comment ? { comment: s.comment } : {}) }));
	},
	'POST /nodes/{node}/qemu/{vmid}/firewall/ipset': (ctx) => {
		const vm = vmOf(ctx);
		checkDigest(ctx, vm.firewall);
		const sets = vm.firewall.ipsets;
		if (ctx.p.rename !== undefined) {
			const s = ipset(vm, ctx.p.rename);
			if (sets.has(ctx.p.name)) fail(500, `IPSet '${ctx.p.name}' already exists`);
			sets.delete(ctx.p.rename);
			sets.set(ctx.p.name, s);
			return null;
		}
		if (sets.has(ctx.p.name)) fail(500, `IPSet '${ctx.p.name}' already exists`);
		sets.set(ctx.p.name, { comment: ctx.p.comment, entries: new Map() });
		return null;
	},
	'GET /nodes/{node}/qemu/{vmid}/firewall/ipset/{name}': (ctx) => {
		const vm = vmOf(ctx);
		const s = ipset(vm, ctx.p.name);
		const digest = fwDigest(vm.firewall);
		return [...s.entries].map(([cidr, e]) => ({ cidr, digest, ...(e.comment ? { comment: e.comment } : {}), ...(e.nomatch ? { nomatch: 1 } : {}) }));
	},
	'POST /nodes/{node}/qemu/{vmid}/firewall/ipset/{name}': (ctx) => {
		const vm = vmOf(ctx);
		const s = ipset(vm, ctx.p.name);
		const n = normCidr(ctx.p.cidr);
		if (!n) paramFail({ cidr: `value does not look like a valid IP address or CIDR network` });
		if (n.zero) paramFail({ cidr: `a zero prefix is not allowed in ipset entries` });
		if (s.entries.has(n.cidr)) paramFail({ cidr: `address '${n.cidr}' already exists` });
		s.entries.set(n.cidr, { comment: ctx.p.comment, nomatch: ctx.p.nomatch ? 1 : 0 });
		return null;
	},
	'DELETE /nodes/{node}/qemu/{vmid}/firewall/ipset/{name}': (ctx) => {
		const vm = vmOf(ctx);
		const s = ipset(vm, ctx.p.name);
		if (s.entries.size && !ctx.p.force) fail(500, `IPSet '${ctx.p.name}' is not empty`);
		vm.firewall.ipsets.delete(ctx.p.name);
		return null;
	},
	'GET /nodes/{node}/qemu/{vmid}/firewall/ipset/{name}/{cidr}': (ctx) => {
		const vm = vmOf(ctx);
		const e = ipset(vm, ctx.p.name).entries.get(ctx.p.cidr);
		if (!e) fail(500, `no such IP/Network`);
		return { cidr: ctx.p.cidr, digest: fwDigest(vm.firewall), ...(e.comment ? { comment: e.comment } : {}) };
	},
	'DELETE /nodes/{node}/qemu/{vmid}/firewall/ipset/{name}/{cidr}': (ctx) => {
		const vm = vmOf(ctx);
		checkDigest(ctx, vm.firewall);
		ipset(vm, ctx.p.name).entries.delete(ctx.p.cidr);
		return null;
	},
};

module.exports = { handlers };

/*
 * The client area's firewall: the VM's input and output policy and its rules - list,
 * add, delete, reorder - with every field a client sends checked here before Proxmox
 * sees it (direction, action, protocol, addresses or networks, port specifications,
 * comment).
 *
 * Rules are added enabled, at the end of the list: Proxmox always inserts a new rule
 * first, so the rule is then moved to the end. Deleting and moving name a rule by its
 * position and carry the firewall config's digest from a fresh read, so a position
 * another edit just shifted is refused by Proxmox rather than applied to the wrong rule.
 * Proxmox's "moveto" puts the rule before the one at that index (counted with the rule
 * still in place); the client says where the rule should end up, which is translated. The firewall's other
 * options (enable, MAC and IP filters, the anti-spoofing IPSet) stay the product's.
 */
#include <ctype.h>
#include <stdlib.h>

#include "internal.h"
#include "puqkvm/ip.h"

/* ---- checks (pure) ---- */

static bool one_port(const char *s, size_t n, long *out)
{
	long v = 0;
	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return v >= 1 && v <= 65535;
}

bool puq_client_ports_valid(const char *s)
{
	size_t items = 0;
	if (!s || !*s || strlen(s) > 90)
		return false;
	for (const char *p = s;;) {
		const char *end = p + strcspn(p, ",");
		const char *colon = memchr(p, ':', (size_t)(end - p));
		long a, b;
		if (colon) {
			if (!one_port(p, (size_t)(colon - p), &a) ||
				!one_port(colon + 1, (size_t)(end - colon - 1), &b) || a > b)
				return false;
		} else if (!one_port(p, (size_t)(end - p), &a)) {
			return false;
		}
		if (++items > 10)
			return false;
		if (!*end)
			return true;
		p = end + 1;
	}
}

static const char *member(const json_t *in, const char *key)
{
	const json_t *v = json_object_get(in, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* "a" or "a/prefix" of either family, written back canonical; "" stays "". */
static bool address_ok(const char *in, char out[64])
{
	char host[64];
	struct puq_ip ip;
	const char *slash = strchr(in, '/');
	size_t n = slash ? (size_t)(slash - in) : strlen(in);
	out[0] = '\0';
	if (!*in)
		return true;
	if (n == 0 || n >= sizeof(host))
		return false;
	memcpy(host, in, n);
	host[n] = '\0';
	if (puq_ip_parse_cstr(host, PUQ_IP_ANY, &ip, NULL) < 0)
		return false;
	char text[PUQ_IP_TEXT_MAX];
	puq_ip_format(&ip, PUQ_IP_CANONICAL, text);
	if (!slash) {
		snprintf(out, 64, "%s", text);
		return true;
	}
	char *end = NULL;
	long prefix = strtol(slash + 1, &end, 10);
	if (!isdigit((unsigned char)slash[1]) || *end || prefix < 1 ||
		!puq_ip_prefix_valid(ip.family, (int)prefix))
		return false;
	char both[PUQ_IP_TEXT_MAX + 24];
	snprintf(both, sizeof(both), "%s/%d", text, (int)prefix);
	puq_strlcpy(out, both, 64);
	return true;
}

static bool one_of(const char *v, const char *const *list, char *out, size_t size, bool up)
{
	for (size_t i = 0; list[i]; i++)
		if (strcasecmp(v, list[i]) == 0) {
			snprintf(out, size, "%s", list[i]);
			for (char *p = out; *p; p++)
				*p = (char)(up ? toupper((unsigned char)*p) : tolower((unsigned char)*p));
			return true;
		}
	return false;
}

int puq_client_fw_rule_check(const json_t *in, struct puq_client_fw_rule *out,
	struct puq_error *err)
{
	static const char *const types[] = {"in", "out", NULL};
	static const char *const acts[] = {"ACCEPT", "DROP", "REJECT", NULL};
	static const char *const protos[] = {"tcp", "udp", "icmp", "icmpv6", NULL};
	struct puq_client_fw_rule r;
	memset(&r, 0, sizeof(r));
	if (!json_is_object(in))
		return puq_error_field(err, "rule", "must be a rule");
	if (!one_of(member(in, "type"), types, r.type, sizeof(r.type), false))
		puq_error_field(err, "rule.type", "must be IN or OUT");
	if (!one_of(member(in, "action"), acts, r.action, sizeof(r.action), true))
		puq_error_field(err, "rule.action", "must be ACCEPT, DROP or REJECT");
	const char *proto = member(in, "proto");
	if (*proto && !one_of(proto, protos, r.proto, sizeof(r.proto), false))
		puq_error_field(err, "rule.proto", "must be any, TCP, UDP, ICMP or ICMPv6");
	if (!address_ok(member(in, "source"), r.source))
		puq_error_field(err, "rule.source", "must be an IP address or network (192.0.2.0/24)");
	if (!address_ok(member(in, "dest"), r.dest))
		puq_error_field(err, "rule.dest", "must be an IP address or network (192.0.2.0/24)");
	bool ports = strcmp(r.proto, "tcp") == 0 || strcmp(r.proto, "udp") == 0;
	const char *fields[2][2] = {{"sport", "rule.sport"}, {"dport", "rule.dport"}};
	char *dst[2] = {r.sport, r.dport};
	for (int i = 0; i < 2; i++) {
		const char *v = member(in, fields[i][0]);
		if (!*v)
			continue;
		if (!ports)
			puq_error_field(err, fields[i][1], "ports need the protocol TCP or UDP");
		else if (!puq_client_ports_valid(v))
			puq_error_field(err, fields[i][1], "must be a port (1-65535), a range 1024:2048 or a "
				"list of those");
		else
			snprintf(dst[i], sizeof(r.sport), "%s", v);
	}
	char comment[PUQ_JOB_ARG_MAX];
	if (puq_job_text_check(member(in, "comment"), 128, "rule.comment", comment, err) == 0)
		snprintf(r.comment, sizeof(r.comment), "%s", comment);
	if (err->code)
		return -err->code;
	*out = r;
	return 0;
}

/* ---- actions ---- */

struct fw {
	struct puq_pve_conn *conn;
	long long vmid;
	char node[PUQ_PVE_NAME_MAX];
	struct puq_pve_fw_rule_list rules;
	json_t *options;
};

static void fw_free(struct fw *f)
{
	puq_pve_fw_rule_list_free(&f->rules);
	json_decref(f->options);
	f->options = NULL;
}

/* Reads the rules (and the options when wanted). */
static int fw_read(struct client_call *c, struct fw *f, bool options, struct puq_error *err)
{
	struct puq_pve_req req;
	json_t *data = NULL;
	memset(f, 0, sizeof(*f));
	int rc = client_locate(c, &f->vmid, f->node, &f->conn, NULL, err);
	if (rc == 0 && (rc = puq_pve_req_fw_rules(&req, f->node, f->vmid)) == 0 &&
		(rc = client_pve(c, f->conn, &req, &data, err)) == 0) {
		rc = puq_pve_parse_fw_rules(data, &f->rules, err);
		json_decref(data);
	}
	if (rc == 0 && options && (rc = puq_pve_req_fw_options_get(&req, f->node, f->vmid)) == 0)
		rc = client_pve(c, f->conn, &req, &f->options, err);
	if (rc < 0)
		fw_free(f);
	return rc;
}

static int fw_send(struct client_call *c, struct fw *f, struct puq_pve_req *req,
	struct puq_error *err)
{
	json_t *data = NULL;
	int rc = client_pve(c, f->conn, req, &data, err);
	json_decref(data);
	return rc;
}

int client_firewall(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct fw f;
	int rc = fw_read(c, &f, true, err);
	if (rc < 0)
		return rc;
	json_t *rules = json_array();
	for (size_t i = 0; rules && i < f.rules.n; i++) {
		const struct puq_pve_fw_rule_entry *r = &f.rules.items[i];
		json_array_append_new(rules, json_pack("{s:i,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b}",
			"pos", (int)r->pos, "type", r->type, "action", r->action, "proto", r->proto,
			"macro", r->macro, "source", r->source, "sport", r->sport, "dest", r->dest, "dport",
			r->dport, "comment", r->comment, "enable", r->enable));
	}
	const char *in = puq_pve_get_str(f.options, "policy_in");
	const char *outp = puq_pve_get_str(f.options, "policy_out");
	/* unset policies are Proxmox's defaults: in DROP, out ACCEPT */
	*out = json_pack("{s:s,s:s,s:b,s:o}", "policy_in", in ? in : "DROP", "policy_out",
		outp ? outp : "ACCEPT", "enabled", puq_pve_get_bool(f.options, "enable", false), "rules",
		rules ? rules : json_array());
	fw_free(&f);
	return 0;
}

int client_firewall_policy(struct client_call *c, json_t **out, struct puq_error *err)
{
	static const char *const pols[] = {"ACCEPT", "DROP", NULL};
	char in[8], outp[8];
	struct puq_pve_conn *conn;
	struct puq_pve_req req;
	long long vmid;
	char node[PUQ_PVE_NAME_MAX];
	json_t *data = NULL;
	if (!one_of(client_arg_str(c, "in"), pols, in, sizeof(in), true))
		puq_error_field(err, "in", "must be ACCEPT or DROP");
	if (!one_of(client_arg_str(c, "out"), pols, outp, sizeof(outp), true))
		puq_error_field(err, "out", "must be ACCEPT or DROP");
	if (err->code)
		return -err->code;
	int rc = client_locate(c, &vmid, node, &conn, NULL, err);
	if (rc < 0)
		return rc;
	if ((rc = puq_pve_req_fw_options_set(&req, node, vmid)) < 0)
		return puq_error_set(err, -rc, NULL);
	puq_pve_req_str(&req, "policy_in", in);
	puq_pve_req_str(&req, "policy_out", outp);
	if ((rc = client_pve(c, conn, &req, &data, err)) < 0)
		return rc;
	json_decref(data);
	*out = json_pack("{s:s,s:s}", "policy_in", in, "policy_out", outp);
	return 0;
}

int client_firewall_rule_add(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct puq_client_fw_rule r;
	struct fw f;
	struct puq_pve_req req;
	const json_t *in = c->q->args ? json_object_get(c->q->args, "rule") : NULL;
	int rc = puq_client_fw_rule_check(in, &r, err);
	if (rc < 0)
		return rc;
	if ((rc = fw_read(c, &f, false, err)) < 0)
		return rc;
	if (f.rules.n >= 100) {
		fw_free(&f);
		return puq_error_set(err, PUQ_EEXHAUSTED, "a VM has at most 100 rules: remove one first");
	}
	struct puq_pve_fw_rule pr = {.type = r.type, .action = r.action,
		.proto = r.proto[0] ? r.proto : NULL, .source = r.source[0] ? r.source : NULL,
		.dest = r.dest[0] ? r.dest : NULL, .sport = r.sport[0] ? r.sport : NULL,
		.dport = r.dport[0] ? r.dport : NULL, .comment = r.comment[0] ? r.comment : NULL,
		.enable = true};
	if ((rc = puq_pve_req_fw_rule_add(&req, f.node, f.vmid, &pr)) < 0) {
		fw_free(&f);
		return puq_error_set(err, -rc, NULL);
	}
	if (f.rules.digest[0])
		puq_pve_req_str(&req, "digest", f.rules.digest);
	rc = fw_send(c, &f, &req, err);
	size_t pos = f.rules.n;
	fw_free(&f);
	if (rc < 0)
		return rc;
	/* now first: moved to the end, guarded by the new digest */
	if (pos > 0) {
		if ((rc = fw_read(c, &f, false, err)) < 0)
			return rc;
		rc = puq_pve_req_fw_rule_move(&req, f.node, f.vmid, 0, (unsigned)f.rules.n,
			f.rules.digest);
		if (rc == 0)
			rc = fw_send(c, &f, &req, err);
		else
			rc = puq_error_set(err, -rc, NULL);
		fw_free(&f);
		if (rc < 0)
			return rc;
	}
	*out = json_pack("{s:b,s:I}", "added", 1, "pos", (json_int_t)pos);
	return 0;
}

/* A position argument within the current rules. */
static bool position(struct client_call *c, const struct fw *f, const char *key, unsigned *pos,
	struct puq_error *err)
{
	long long v = -1;
	if (!client_arg_int(c, key, &v) || v < 0 || (size_t)v >= f->rules.n) {
		puq_error_field(err, key, "is not the position of a rule");
		return false;
	}
	*pos = (unsigned)v;
	return true;
}

int client_firewall_rule_delete(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct fw f;
	struct puq_pve_req req;
	unsigned pos;
	int rc = fw_read(c, &f, false, err);
	if (rc < 0)
		return rc;
	if (!position(c, &f, "pos", &pos, err)) {
		fw_free(&f);
		return -err->code;
	}
	if ((rc = puq_pve_req_fw_rule_delete(&req, f.node, f.vmid, pos)) < 0) {
		fw_free(&f);
		return puq_error_set(err, -rc, NULL);
	}
	if (f.rules.digest[0])
		puq_pve_req_str(&req, "digest", f.rules.digest);
	rc = fw_send(c, &f, &req, err);
	fw_free(&f);
	if (rc < 0)
		return rc;
	*out = json_pack("{s:b,s:i}", "deleted", 1, "pos", (int)pos);
	return 0;
}

int client_firewall_rule_move(struct client_call *c, json_t **out, struct puq_error *err)
{
	struct fw f;
	struct puq_pve_req req;
	unsigned from = 0, to = 0;
	int rc = fw_read(c, &f, false, err);
	if (rc < 0)
		return rc;
	bool ok = position(c, &f, "from", &from, err);
	ok = position(c, &f, "to", &to, err) && ok;
	if (!ok) {
		fw_free(&f);
		return -err->code;
	}
	if (from == to) {
		fw_free(&f);
		*out = json_pack("{s:b}", "moved", 0);
		return 0;
	}
	rc = puq_pve_req_fw_rule_move(&req, f.node, f.vmid, from, to > from ? to + 1 : to,
		f.rules.digest);
	if (rc < 0) {
		fw_free(&f);
		return puq_error_set(err, -rc, NULL);
	}
	rc = fw_send(c, &f, &req, err);
	fw_free(&f);
	if (rc < 0)
		return rc;
	*out = json_pack("{s:b,s:i,s:i}", "moved", 1, "from", (int)from, "to", (int)to);
	return 0;
}

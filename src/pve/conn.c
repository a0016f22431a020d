/*
 * The connection to one Proxmox VE cluster: API addresses with failover, TLS trust,
 * credentials, timeouts, and how a WHMCS server entry maps onto them.
 *
 * Validation collects every problem of a server entry at once, as field errors the
 * server module's Test Connection shows. Secrets are copied and wiped on free; error
 * texts built from remote answers are scrubbed of them (puq_pve_conn_scrub), so a
 * misbehaving proxy echoing the Authorization header cannot leak the token into a log.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "puqkvm/pve_conn.h"

#define DEFAULT_PORT 8006

void puq_pve_conn_init(struct puq_pve_conn *c)
{
	memset(c, 0, sizeof(*c));
	c->verify_hostname = -1;
	c->timeout_ms = 10000;
	c->heavy_timeout_ms = 60000;
	c->connect_timeout_ms = 5000;
}

static void free_secret(char **s)
{
	if (*s) {
		memset(*s, 0, strlen(*s));
		PUQ_FREE(*s);
		*s = NULL;
	}
}

void puq_pve_conn_free(struct puq_pve_conn *c)
{
	if (!c)
		return;
	PUQ_FREE(c->user);
	free_secret(&c->secret);
	free_secret(&c->ticket);
	free_secret(&c->csrf);
	PUQ_FREE(c->ca_file);
	PUQ_FREE(c->pin_sha256);
	puq_pve_conn_init(c);
}

static bool host_ok(const char *h, size_t n)
{
	if (!n || n >= 256)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && !strchr(".-:_", h[i]))
			return false;
	return true;
}

int puq_pve_conn_add_host(struct puq_pve_conn *c, const char *hostport, unsigned dflt_port,
	struct puq_error *err)
{
	const char *h = hostport;
	size_t n;
	unsigned port = dflt_port ? dflt_port : DEFAULT_PORT;
	const char *portp = NULL;

	while (isspace((unsigned char)*h))
		h++;
	if (strncmp(h, "https://", 8) == 0)
		h += 8;
	if (*h == '[') { /* [v6]:port */
		const char *end = strchr(h, ']');
		if (!end)
			goto bad;
		n = (size_t)(end - h - 1);
		h++;
		if (end[1] == ':')
			portp = end + 2;
		else if (end[1] && end[1] != '/')
			goto bad;
	} else {
		n = strcspn(h, "/ \t\r\n");
		const char *rest = h + n;
		if (*rest != '/' && rest[strspn(rest, " \t\r\n")] != '\0')
			goto bad;
		const char *colon = memchr(h, ':', n);
		/* one colon: host:port; more: a bare IPv6 address */
		if (colon && !memchr(colon + 1, ':', n - (size_t)(colon + 1 - h))) {
			portp = colon + 1;
			n = (size_t)(colon - h);
		}
	}
	if (portp) {
		char *end;
		long p = strtol(portp, &end, 10);
		if (end == portp || p < 1 || p > 65535 || (*end && !strchr("/ \t\r\n", *end)))
			goto bad;
		port = (unsigned)p;
	}
	if (!host_ok(h, n))
		goto bad;
	for (size_t i = 0; i < c->nhosts; i++)
		if (strlen(c->hosts[i].name) == n && strncmp(c->hosts[i].name, h, n) == 0 &&
			c->hosts[i].port == port)
			return 0; /* hostname and ip often name the same node */
	if (c->nhosts >= PUQ_PVE_HOSTS_MAX)
		return puq_error_set(err, PUQ_EINVAL, "at most %d API addresses per server",
			PUQ_PVE_HOSTS_MAX);
	memcpy(c->hosts[c->nhosts].name, h, n);
	c->hosts[c->nhosts].name[n] = '\0';
	c->hosts[c->nhosts].port = port;
	c->nhosts++;
	return 0;
bad:
	return puq_error_set(err, PUQ_EINVAL, "'%.100s' is not a host name, address or host:port",
		hostport);
}

int puq_pve_fingerprint_normalize(const char *in, char out[96], struct puq_error *err)
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		if (*p == ':' || isspace((unsigned char)*p))
			continue;
		if (!isxdigit((unsigned char)*p) || n >= 64)
			goto bad;
		if (n && n % 2 == 0)
			out[n / 2 * 3 - 1] = ':';
		out[n / 2 * 3 + n % 2] = (char)toupper((unsigned char)*p);
		n++;
	}
	if (n != 64)
		goto bad;
	out[95] = '\0';
	return 0;
bad:
	out[0] = '\0';
	return puq_error_set(err, PUQ_EINVAL,
		"the fingerprint must be the certificate's SHA-256: 32 hex bytes such as AB:CD:...");
}

/* user@realm!tokenid: user [^\s:/]+, realm and tokenid [A-Za-z][A-Za-z0-9.\-_]+ */
static bool ident_ok(const char *s, size_t n)
{
	if (n < 2 || !isalpha((unsigned char)s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr(".-_", s[i]))
			return false;
	return true;
}

static bool userid_ok(const char *u, bool token)
{
	const char *at = strchr(u, '@');
	if (!at || at == u)
		return false;
	for (const char *p = u; p < at; p++)
		if (isspace((unsigned char)*p) || *p == ':' || *p == '/')
			return false;
	const char *bang = strchr(at, '!');
	if (token != (bang != NULL))
		return false;
	size_t rlen = bang ? (size_t)(bang - at - 1) : strlen(at + 1);
	if (!ident_ok(at + 1, rlen))
		return false;
	return !token || ident_ok(bang + 1, strlen(bang + 1));
}

/* Applies one "key=value" of the Access Hash. */
static void accesshash_option(struct puq_pve_conn *c, const char *key, const char *val,
	struct puq_error *err)
{
	struct puq_error e;
	puq_error_clear(&e);
	if (strcmp(key, "fingerprint") == 0) {
		char fp[96];
		if (puq_pve_fingerprint_normalize(val, fp, &e) == 0)
			c->pin_sha256 = puq_strdup(fp);
		else
			puq_error_field(err, "accesshash", "fingerprint: %s", e.text);
	} else if (strcmp(key, "ca_file") == 0) {
		if (val[0] != '/')
			puq_error_field(err, "accesshash", "ca_file must be an absolute path");
		else
			c->ca_file = puq_strdup(val);
	} else if (strcmp(key, "hosts") == 0) {
		char host[300];
		for (const char *p = val; *p;) {
			size_t n = strcspn(p, ", ");
			if (n && n < sizeof(host)) {
				memcpy(host, p, n);
				host[n] = '\0';
				if (puq_pve_conn_add_host(c, host, c->nhosts ? c->hosts[0].port : 0, &e))
					puq_error_field(err, "accesshash", "hosts: %s", e.text);
			}
			p += n;
			p += strspn(p, ", ");
		}
	} else if (strcmp(key, "verify_hostname") == 0) {
		c->verify_hostname = strcmp(val, "0") != 0 && strcmp(val, "no") != 0;
	} else if (strcmp(key, "auth") == 0) {
		if (strcmp(val, "ticket") == 0)
			c->auth = PUQ_PVE_AUTH_TICKET;
		else if (strcmp(val, "token") == 0)
			c->auth = PUQ_PVE_AUTH_TOKEN;
		else
			puq_error_field(err, "accesshash", "auth must be token or ticket");
	} else {
		puq_error_field(err, "accesshash",
			"unknown setting '%.40s' (known: fingerprint, ca_file, hosts, "
			"verify_hostname, auth)", key);
	}
}

static void parse_accesshash(struct puq_pve_conn *c, const char *text, struct puq_error *err)
{
	char line[1024];
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\r\n;");
		if (n >= sizeof(line)) {
			puq_error_field(err, "accesshash", "a line is longer than %zu characters",
				sizeof(line) - 1);
			return;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		p += n;
		p += strspn(p, "\r\n;");

		char *s = line;
		while (isspace((unsigned char)*s))
			s++;
		char *end = s + strlen(s);
		while (end > s && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			puq_error_field(err, "accesshash", "'%.40s' is not key=value", s);
			continue;
		}
		*eq = '\0';
		char *k = s, *v = eq + 1;
		for (char *t = eq; t > k && isspace((unsigned char)t[-1]);)
			*--t = '\0';
		while (isspace((unsigned char)*v))
			v++;
		accesshash_option(c, k, v, err);
	}
}

int puq_pve_conn_from_server(struct puq_pve_conn *c, const struct puq_pve_server *s,
	struct puq_error *err)
{
	struct puq_error e;
	unsigned port = DEFAULT_PORT;
	puq_pve_conn_init(c);

	if (s->port && *s->port) {
		char *end;
		long p = strtol(s->port, &end, 10);
		if (end == s->port || *end || p < 1 || p > 65535)
			puq_error_field(err, "port", "must be a TCP port (1-65535), Proxmox uses 8006");
		else
			port = (unsigned)p;
	}
	const char *addrs[] = {s->hostname, s->ip};
	for (size_t i = 0; i < 2; i++) {
		if (!addrs[i] || !*addrs[i])
			continue;
		puq_error_clear(&e);
		if (puq_pve_conn_add_host(c, addrs[i], port, &e))
			puq_error_field(err, i ? "ip" : "hostname", "%s", e.text);
	}
	if (!c->nhosts && !(err && puq_error_field_message(err, "hostname")))
		puq_error_field(err, "hostname", "enter the Proxmox VE host name or IP address");
	if (s->accesshash && *s->accesshash)
		parse_accesshash(c, s->accesshash, err);

	const char *user = s->username ? s->username : "";
	if (c->auth == PUQ_PVE_AUTH_TOKEN && !userid_ok(user, true))
		puq_error_field(err, "username",
			"enter the API token id as user@realm!tokenid (e.g. whmcs@pve!provisioning)");
	else if (c->auth == PUQ_PVE_AUTH_TICKET && !userid_ok(user, false))
		puq_error_field(err, "username", "enter the user as user@realm (e.g. root@pam)");
	if (!s->password || !*s->password)
		puq_error_field(err, "password", c->auth == PUQ_PVE_AUTH_TOKEN
			? "enter the API token secret (the UUID shown once when the token was made)"
			: "enter the password");
	else if (c->auth == PUQ_PVE_AUTH_TOKEN && strpbrk(s->password, "\r\n \t"))
		puq_error_field(err, "password", "the token secret contains white space");
	if (!s->secure)
		puq_error_field(err, "secure", "Proxmox VE only speaks HTTPS: tick \"Secure\"");

	if (err && err->code) {
		puq_pve_conn_free(c);
		return -err->code;
	}
	c->tls.ca_file = c->ca_file;
	c->tls.pin_sha256 = c->pin_sha256;
	/* the pin names the one certificate; its host name adds nothing unless asked for */
	c->tls.skip_hostname = c->pin_sha256 && c->verify_hostname != 1;
	c->user = puq_strdup(user);
	c->secret = puq_strdup(s->password);
	if (!c->user || !c->secret) {
		puq_pve_conn_free(c);
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	}
	return 0;
}

int puq_pve_conn_base_url(const struct puq_pve_conn *c, struct puq_buf *out)
{
	if (!c->nhosts)
		return -PUQ_EINVAL;
	const struct puq_pve_host *h = &c->hosts[c->current % c->nhosts];
	bool v6 = strchr(h->name, ':') != NULL;
	puq_buf_printf(out, "https://%s%s%s:%u/api2/json", v6 ? "[" : "", h->name, v6 ? "]" : "",
		h->port);
	return puq_buf_failed(out) ? -PUQ_ENOMEM : 0;
}

bool puq_pve_conn_failover(struct puq_pve_conn *c, long status, size_t tried)
{
	/* only failures of the address itself: an answer from Proxmox is final */
	if (status != 0 && status != 595 && status != 596)
		return false;
	if (c->nhosts < 2 || tried >= c->nhosts)
		return false;
	c->current = (c->current + 1) % c->nhosts;
	return true;
}

static void mask(char *text, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	char *p;
	if (n < 4)
		return;
	while ((p = strstr(text, secret))) {
		memcpy(p, "***", 3);
		memmove(p + 3, p + n, strlen(p + n) + 1);
	}
}

void puq_pve_conn_scrub(const struct puq_pve_conn *c, struct puq_error *err)
{
	if (!err)
		return;
	mask(err->text, c->secret);
	mask(err->text, c->ticket);
	mask(err->text, c->csrf);
	for (size_t i = 0; i < err->nfields; i++) {
		mask(err->fields[i].message, c->secret);
		mask(err->fields[i].message, c->ticket);
	}
}

/*
 * The database settings of WHMCS's configuration.php, turned into a struct puq_db_config.
 *
 * WHMCS keeps the connection in plain PHP variables ($db_host, $db_port, $db_username,
 * $db_password, $db_name, $mysql_charset, $db_tls_*). The glue hands them over one by
 * one; puq_db_config_set() checks each against its buffer and puq_db_config_finish()
 * resolves the forms $db_host may take ("host", "host:3307", "host:/run/mysqld.sock",
 * "/run/mysqld.sock", "[2001:db8::1]:3306", a bare IPv6 address) the way WHMCS reads
 * them. Errors are field errors named after the WHMCS variable, and never quote the
 * password.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "puqkvm/store.h"

enum config_kind { CFG_TEXT, CFG_PORT, CFG_BOOL };

struct config_key {
	const char *key;
	enum config_kind kind;
	size_t offset; /* of the char[] (TEXT), unsigned (PORT) or bool (BOOL) member */
	size_t size;
};

#define TEXT_KEY(k, member)                                                              \
	{k, CFG_TEXT, offsetof(struct puq_db_config, member),                                \
		sizeof(((struct puq_db_config *)0)->member)}

static const struct config_key config_keys[] = {
	TEXT_KEY("db_host", host),
	{"db_port", CFG_PORT, offsetof(struct puq_db_config, port), 0},
	TEXT_KEY("db_socket", socket),
	TEXT_KEY("db_username", user),
	TEXT_KEY("db_password", password),
	TEXT_KEY("db_name", database),
	TEXT_KEY("db_charset", charset),
	TEXT_KEY("mysql_charset", charset),
	TEXT_KEY("db_tls_ca", tls_ca),
	TEXT_KEY("db_tls_ca_path", tls_ca_path),
	TEXT_KEY("db_tls_cert", tls_cert),
	TEXT_KEY("db_tls_key", tls_key),
	TEXT_KEY("db_tls_cipher", tls_cipher),
	{"db_tls_verify_cert", CFG_BOOL, offsetof(struct puq_db_config, tls_verify_cert), 0},
};

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/* "" and "0" give 0 (the default port); otherwise 1..65535, or -1 when invalid. */
static long parse_port(const char *s)
{
	if (!*s || strcmp(s, "0") == 0)
		return 0;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	errno = 0;
	long v = strtol(s, NULL, 10);
	return (errno || v < 1 || v > 65535) ? -1 : v;
}

int puq_db_config_set(struct puq_db_config *cfg, const char *key, const char *value,
	struct puq_error *err)
{
	const struct config_key *k = NULL;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(config_keys); i++)
		if (strcmp(config_keys[i].key, key) == 0)
			k = &config_keys[i];
	if (!k)
		return 1;
	if (!value)
		value = "";

	char *base = (char *)cfg;
	switch (k->kind) {
	case CFG_TEXT:
		if (strlen(value) >= k->size)
			return puq_error_field(err, key, "is too long (at most %zu bytes)", k->size - 1);
		/* The password may hold any byte a MySQL password can; names and paths may not
		 * carry control characters, which only ever come from a broken file. */
		if (strcmp(key, "db_password") != 0 && has_control(value))
			return puq_error_field(err, key, "contains a control character");
		puq_strlcpy(base + k->offset, value, k->size);
		return 0;
	case CFG_PORT: {
		long port = parse_port(value);
		if (port < 0)
			return puq_error_field(err, key, "must be a port number from 1 to 65535");
		*(unsigned *)(base + k->offset) = (unsigned)port;
		return 0;
	}
	case CFG_BOOL:
		*(bool *)(base + k->offset) = value[0] && strcmp(value, "0") != 0 &&
			strcasecmp(value, "false") != 0 && strcasecmp(value, "off") != 0;
		return 0;
	}
	return 1;
}

/* Splits cfg->host in place. Returns false when the form is not understood. */
static bool split_host(struct puq_db_config *cfg, unsigned *port_in_host)
{
	char *h = cfg->host;
	*port_in_host = 0;

	if (h[0] == '/') { /* a socket path alone */
		puq_strlcpy(cfg->socket, h, sizeof(cfg->socket));
		puq_strlcpy(cfg->host, "localhost", sizeof(cfg->host));
		return true;
	}
	if (h[0] == '[') { /* [v6] or [v6]:port */
		char *close = strchr(h, ']');
		if (!close)
			return false;
		const char *rest = close + 1;
		long port = 0;
		if (*rest == ':') {
			port = parse_port(rest + 1);
			if (port <= 0)
				return false;
		} else if (*rest) {
			return false;
		}
		*close = '\0';
		memmove(h, h + 1, strlen(h + 1) + 1);
		*port_in_host = (unsigned)port;
		return h[0] != '\0';
	}
	char *colon = strchr(h, ':');
	if (!colon)
		return true;
	if (strchr(colon + 1, ':')) /* more than one colon: a bare IPv6 address */
		return true;
	const char *rest = colon + 1;
	if (rest[0] == '/') {
		if (strlen(rest) >= sizeof(cfg->socket))
			return false;
		puq_strlcpy(cfg->socket, rest, sizeof(cfg->socket));
	} else {
		long port = parse_port(rest);
		if (port <= 0)
			return false;
		*port_in_host = (unsigned)port;
	}
	*colon = '\0';
	if (h[0] == '\0')
		puq_strlcpy(cfg->host, "localhost", sizeof(cfg->host));
	return true;
}

int puq_db_config_finish(struct puq_db_config *cfg, struct puq_error *err)
{
	int bad = 0;

	if (!cfg->host[0] && cfg->socket[0])
		puq_strlcpy(cfg->host, "localhost", sizeof(cfg->host));
	if (!cfg->host[0]) {
		bad = puq_error_field(err, "db_host", "is required");
	} else {
		unsigned port_in_host;
		if (!split_host(cfg, &port_in_host))
			bad = puq_error_field(err, "db_host",
				"is not host, host:port, host:/socket/path or [IPv6]:port");
		else if (!cfg->port) /* an explicit db_port wins over one written into db_host */
			cfg->port = port_in_host;
	}
	if (!cfg->user[0])
		bad = puq_error_field(err, "db_username", "is required");
	if (!cfg->database[0])
		bad = puq_error_field(err, "db_name", "is required");
	for (const char *p = cfg->charset; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_') {
			bad = puq_error_field(err, "db_charset", "is not a character set name");
			break;
		}
	return bad;
}

void puq_db_config_wipe(struct puq_db_config *cfg)
{
	/* volatile keeps the compiler from dropping a store to memory about to be freed */
	volatile unsigned char *p = (volatile unsigned char *)cfg;
	for (size_t i = 0; i < sizeof(*cfg); i++)
		p[i] = 0;
}

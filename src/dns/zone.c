/*
 * DNS zones as values: the providers, the table of form fields, and validation.
 *
 * One table says which provider uses which field, which fields are required and which
 * hold secrets; validation, masking, the database columns and the PHP arrays all read
 * it, so a field is added in one place. Validation is pure: it takes the submitted
 * strings and the stored zone (for edits) and produces the normalised zone or a list
 * of field errors. Secrets follow the spec's write-only rule: PUQ_DNS_KEEP or an empty
 * value keeps what is stored, anything else replaces it.
 */
#include <ctype.h>
#include <stdio.h>
#include <strings.h>

#include "puqkvm/dns.h"

#define CF (1u << PUQ_DNS_CLOUDFLARE)
#define HE (1u << PUQ_DNS_HESTIACP)
#define PD (1u << PUQ_DNS_POWERDNS)

struct field_def {
	const char *key;
	const char *label;
	unsigned providers; /* bit per provider using the field */
	unsigned required;  /* bit per provider requiring it */
	bool secret;
};

static const struct field_def fields[PUQ_DNS_ZF__COUNT] = {
    [PUQ_DNS_ZF_ZONE] = {"zone", "Zone", CF | HE | PD, CF | HE | PD, false},
    /* optional: the Test button checks the zone belongs to it when set */
    [PUQ_DNS_ZF_ACCOUNT_ID] = {"account_id", "Account ID", CF, 0, false},
    [PUQ_DNS_ZF_ZONE_ID] = {"zone_id", "Zone ID", CF, CF, false},
    [PUQ_DNS_ZF_API_TOKEN] = {"api_token", "API Token", CF, CF, true},
    [PUQ_DNS_ZF_SERVER_URL] = {"server_url", "Server URL", HE | PD, HE | PD, false},
    [PUQ_DNS_ZF_ADMIN_USER] = {"admin_user", "Admin User", HE, HE, false},
    [PUQ_DNS_ZF_ADMIN_PASSWORD] = {"admin_password", "Admin Password", HE, HE, true},
    [PUQ_DNS_ZF_USER] = {"user", "User", HE, HE, false},
    [PUQ_DNS_ZF_API_KEY] = {"api_key", "API Key", PD, PD, true},
};

static const char *const provider_names[] = {"", "cloudflare", "hestiacp", "powerdns"};
static const char *const provider_labels[] = {"", "Cloudflare", "HestiaCP", "PowerDNS"};

static bool provider_valid(enum puq_dns_provider p)
{
	return p == PUQ_DNS_CLOUDFLARE || p == PUQ_DNS_HESTIACP || p == PUQ_DNS_POWERDNS;
}

const char *puq_dns_provider_name(enum puq_dns_provider p)
{
	return provider_valid(p) ? provider_names[p] : "";
}

const char *puq_dns_provider_label(enum puq_dns_provider p)
{
	return provider_valid(p) ? provider_labels[p] : "";
}

enum puq_dns_provider puq_dns_provider_parse(const char *s)
{
	for (int p = PUQ_DNS_CLOUDFLARE; s && p <= PUQ_DNS_POWERDNS; p++)
		if (strcasecmp(s, provider_names[p]) == 0)
			return (enum puq_dns_provider)p;
	return PUQ_DNS_NONE;
}

const char *puq_dns_zone_field_key(enum puq_dns_zone_field f)
{
	return (unsigned)f < PUQ_DNS_ZF__COUNT ? fields[f].key : "";
}

const char *puq_dns_zone_field_label(enum puq_dns_zone_field f)
{
	return (unsigned)f < PUQ_DNS_ZF__COUNT ? fields[f].label : "";
}

bool puq_dns_zone_field_used(enum puq_dns_provider p, enum puq_dns_zone_field f)
{
	return provider_valid(p) && (unsigned)f < PUQ_DNS_ZF__COUNT &&
	       (fields[f].providers & (1u << p));
}

bool puq_dns_zone_field_required(enum puq_dns_provider p, enum puq_dns_zone_field f)
{
	return provider_valid(p) && (unsigned)f < PUQ_DNS_ZF__COUNT &&
	       (fields[f].required & (1u << p));
}

bool puq_dns_zone_field_secret(enum puq_dns_zone_field f)
{
	return (unsigned)f < PUQ_DNS_ZF__COUNT && fields[f].secret;
}

int puq_dns_zone_field_by_key(const char *key)
{
	for (int f = 0; key && f < PUQ_DNS_ZF__COUNT; f++)
		if (strcmp(key, fields[f].key) == 0)
			return f;
	return -1;
}

void puq_dns_zone_init(struct puq_dns_zone *z)
{
	memset(z, 0, sizeof(*z));
}

void puq_dns_zone_free(struct puq_dns_zone *z)
{
	if (!z)
		return;
	for (int f = 0; f < PUQ_DNS_ZF__COUNT; f++) {
		if (z->f[f] && fields[f].secret) /* do not leave secrets in freed memory */
			memset(z->f[f], 0, strlen(z->f[f]));
		PUQ_FREE(z->f[f]);
	}
	puq_dns_zone_init(z);
}

int puq_dns_zone_set(struct puq_dns_zone *z, enum puq_dns_zone_field f, const char *value)
{
	char *copy = NULL;
	if (value && !(copy = puq_strdup(value)))
		return -PUQ_ENOMEM;
	if (z->f[f] && fields[f].secret)
		memset(z->f[f], 0, strlen(z->f[f]));
	PUQ_FREE(z->f[f]);
	z->f[f] = copy;
	return 0;
}

int puq_dns_zone_copy(struct puq_dns_zone *dst, const struct puq_dns_zone *src)
{
	puq_dns_zone_init(dst);
	dst->id = src->id;
	dst->provider = src->provider;
	for (int f = 0; f < PUQ_DNS_ZF__COUNT; f++)
		if (puq_dns_zone_set(dst, (enum puq_dns_zone_field)f, src->f[f]) < 0) {
			puq_dns_zone_free(dst);
			return -PUQ_ENOMEM;
		}
	return 0;
}

int puq_dns_zone_mask(struct puq_dns_zone *z)
{
	for (int f = 0; f < PUQ_DNS_ZF__COUNT; f++)
		if (fields[f].secret && z->f[f] && z->f[f][0])
			if (puq_dns_zone_set(z, (enum puq_dns_zone_field)f, PUQ_DNS_KEEP) < 0)
				return -PUQ_ENOMEM;
	return 0;
}

/* ---- validation of single values -------------------------------------------------- */

static bool blank(const char *s)
{
	if (!s)
		return true;
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* A copy without leading and trailing blanks. */
static char *trimmed(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	return puq_strndup(s, len);
}

static bool all_chars(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(extra, *s))
			return false;
	return true;
}

/*
 * An http(s) URL with a host, no credentials, query or fragment; normalised in place:
 * scheme and host lower case, no trailing slash (HestiaCP's is added back by the caller,
 * PowerDNS gets the API path appended).
 */
static const char *check_url(char *url)
{
	size_t scheme;
	if (strncasecmp(url, "https://", 8) == 0)
		scheme = 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		scheme = 7;
	else
		return "must start with https:// (or http://)";
	for (const char *c = url; *c; c++)
		if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c))
			return "must not contain blanks";
	if (strpbrk(url, "?#"))
		return "must not contain a query (?) or fragment (#)";
	const char *host = url + scheme;
	size_t hostlen = strcspn(host, "/");
	if (memchr(host, '@', hostlen))
		return "must not contain a user name or password (use the fields for them)";
	if (hostlen == 0 || host[0] == ':')
		return "needs a host name";
	for (size_t i = 0; i < scheme + hostlen; i++)
		url[i] = (char)tolower((unsigned char)url[i]);

	size_t len = strlen(url);
	while (len > scheme + hostlen && url[len - 1] == '/')
		url[--len] = '\0';
	return NULL;
}

static void field_error(struct puq_error *err, bool *bad, enum puq_dns_zone_field f,
                        const char *what)
{
	*bad = true;
	puq_error_field(err, fields[f].key, "%s %s", fields[f].label, what);
}

int puq_dns_zone_validate(const struct puq_dns_zone *in,
                          const struct puq_dns_zone *stored, struct puq_dns_zone *out,
                          struct puq_error *err)
{
	puq_dns_zone_init(out);
	out->id = stored ? stored->id : 0;

	enum puq_dns_provider p = in->provider;
	if (p == PUQ_DNS_NONE && stored)
		p = stored->provider;
	if (!provider_valid(p)) {
		puq_error_field(err, "type", "Type must be Cloudflare, HestiaCP or PowerDNS");
		return -PUQ_EVALIDATION;
	}
	out->provider = p;
	bool bad = false;

	for (int i = 0; i < PUQ_DNS_ZF__COUNT; i++) {
		enum puq_dns_zone_field f = (enum puq_dns_zone_field)i;
		const struct field_def *d = &fields[f];
		if (!(d->providers & (1u << p)))
			continue; /* not this provider's: stays NULL, so switching type clears it */

		const char *value = in->f[f];
		/* what is stored stands for what is not submitted (or masked), as long as the
		 * stored zone's provider used the field: a switch never carries a secret over */
		bool keep = stored && puq_dns_zone_field_used(stored->provider, f);
		if (d->secret) {
			if (blank(value) || strcmp(value, PUQ_DNS_KEEP) == 0) {
				value = keep ? stored->f[f] : NULL;
			} else {
				for (const char *c = value; *c; c++)
					if (isspace((unsigned char)*c) || iscntrl((unsigned char)*c)) {
						field_error(err, &bad, f, "must not contain blanks");
						value = NULL;
						break;
					}
				if (!value)
					continue;
			}
		} else if (!value && keep) {
			value = stored->f[f]; /* not submitted: unchanged */
		}

		if (blank(value)) {
			if (d->required & (1u << p))
				field_error(err, &bad, f, "is required");
			continue;
		}
		if (strlen(value) > 1000) {
			field_error(err, &bad, f, "is too long");
			continue;
		}

		char *v = d->secret ? puq_strdup(value) : trimmed(value);
		if (!v)
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		const char *problem = NULL;
		switch (f) {
		case PUQ_DNS_ZF_ZONE: {
			char name[PUQ_DNS_NAME_MAX];
			struct puq_error sub;
			puq_error_clear(&sub);
			if (puq_dns_name_normalize(v, name, &sub) < 0) {
				bad = true;
				puq_error_field(err, d->key, "Zone name %s", sub.text);
			} else {
				PUQ_FREE(v);
				v = puq_strdup(name);
			}
			break;
		}
		case PUQ_DNS_ZF_ACCOUNT_ID:
		case PUQ_DNS_ZF_ZONE_ID:
			for (char *c = v; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			if (strlen(v) != 32 || !all_chars(v, "") ||
			    strspn(v, "0123456789abcdef") != 32)
				problem =
				    "must be the 32-character hexadecimal ID shown in the Cloudflare "
				    "dashboard";
			break;
		case PUQ_DNS_ZF_SERVER_URL:
			problem = check_url(v);
			if (!problem && p == PUQ_DNS_HESTIACP) {
				size_t len = strlen(v);
				char *slashed = PUQ_REALLOC(v, len + 2);
				if (!slashed) {
					PUQ_FREE(v);
					return puq_error_set(err, PUQ_ENOMEM, NULL);
				}
				v = slashed;
				v[len] = '/';
				v[len + 1] = '\0';
			}
			break;
		case PUQ_DNS_ZF_ADMIN_USER:
		case PUQ_DNS_ZF_USER:
			if (strlen(v) > 64 || !all_chars(v, "_.-"))
				problem = "may contain only letters, digits, '_', '.' and '-'";
			break;
		default:
			break;
		}
		if (problem)
			field_error(err, &bad, f, problem);
		if (!v) /* zone normalisation ran out of memory */
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		PUQ_FREE(out->f[f]);
		out->f[f] = v;
	}
	return bad ? -PUQ_EVALIDATION : 0;
}

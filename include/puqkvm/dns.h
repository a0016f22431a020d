/*
 * dns: DNS zones, the records the module owns, and keeping providers in step with them.
 *
 * Zones. A zone row names a zone (normalised: lower case, no trailing dot) and one
 * provider with its fields: Cloudflare (account ID, zone ID, API token), HestiaCP
 * (server URL, admin user, admin password, the user owning the zone) or PowerDNS
 * (server URL, API key). Several rows may share a zone name. Validation reports every
 * bad field at once and nothing is written on error. Secrets are write-only: whatever
 * leaves the core for display carries PUQ_DNS_KEEP instead, and saving PUQ_DNS_KEEP or
 * an empty secret keeps the stored value.
 *
 * Matching. A record goes to every zone whose name is a suffix of the record name on a
 * label boundary (forward names and IPv4 PTR names at any delegation level); an IPv6
 * PTR name matches an ip6.arpa zone only when the zone is a proper suffix. A zone that
 * matches nothing is skipped without a word.
 *
 * Records. The module owns the A/AAAA RRsets at each service's FQDN and the PTR RRsets
 * at the PTR names of the addresses it assigned, nothing else. The desired records of a
 * service are kept in the database (puq_proxmox_kvm_dns_records): one A for the main
 * IPv4, one AAAA for the main IPv6, one PTR per assigned address whose content is the
 * address's rDNS hostname, else the FQDN. Records a service no longer wants stay as
 * "absent" tombstones until every matching zone confirmed their removal.
 *
 * Operations. create (deploy), refresh (change package), delete (terminate) and resync
 * ("Set DNS records") each store the desired records of one or more services and
 * reconcile every RRset concerned with every matching zone: one request per zone and
 * batch where the provider allows it (PowerDNS PATCH, Cloudflare batch), list-then-diff
 * on HestiaCP. Replacing an RRset in place gives the "delete, then recreate" result of
 * the spec with no moment in which the name does not resolve. Provider failures never
 * fail the operation: each zone and each RRset is isolated, every failure is written to
 * WHMCS's module log (without secrets) and reported as a line (fwd OK, rev ERR, ...);
 * the operation returns an error only for bad input or a database failure.
 */
#ifndef PUQKVM_DNS_H
#define PUQKVM_DNS_H

#include <stdbool.h>
#include <stddef.h>

#include "puqkvm/buf.h"
#include "puqkvm/error.h"
#include "puqkvm/http.h"
#include "puqkvm/store.h"

/* Shown instead of a stored secret; saving it (or "") keeps the stored value. */
#define PUQ_DNS_KEEP "__KEEP__"
/* The WHMCS module name the module log entries carry. */
#define PUQ_DNS_LOG_MODULE "puq_proxmox_kvm"
/* The default Cloudflare API base. */
#define PUQ_DNS_CLOUDFLARE_API "https://api.cloudflare.com/client/v4"

/* Longest DNS name we store (RFC 1035: 253 characters without the final dot). */
#define PUQ_DNS_NAME_MAX 256

enum puq_dns_provider {
	PUQ_DNS_NONE = 0,
	PUQ_DNS_CLOUDFLARE,
	PUQ_DNS_HESTIACP,
	PUQ_DNS_POWERDNS,
};

/* "cloudflare", "hestiacp", "powerdns" (the stored type); "" for none. */
const char *puq_dns_provider_name(enum puq_dns_provider p);
/* "Cloudflare", "HestiaCP", "PowerDNS". */
const char *puq_dns_provider_label(enum puq_dns_provider p);
/* Case-insensitive name or label; PUQ_DNS_NONE when unknown. */
enum puq_dns_provider puq_dns_provider_parse(const char *s);

/* ---- zones ------------------------------------------------------------------------- */

/*
 * The fields of a zone, in form order. The table behind them (zone.c) says which
 * provider uses a field, whether it is required and whether it is a secret; the PHP
 * array keys and the database columns are the names below.
 */
#define PUQ_DNS_ZONE_FIELDS(XX)                                                          \
	XX(ZONE, "zone", "Zone")                                                             \
	XX(ACCOUNT_ID, "account_id", "Account ID")                                           \
	XX(ZONE_ID, "zone_id", "Zone ID")                                                    \
	XX(API_TOKEN, "api_token", "API Token")                                              \
	XX(SERVER_URL, "server_url", "Server URL")                                           \
	XX(ADMIN_USER, "admin_user", "Admin User")                                           \
	XX(ADMIN_PASSWORD, "admin_password", "Admin Password")                               \
	XX(USER, "user", "User")                                                             \
	XX(API_KEY, "api_key", "API Key")

enum puq_dns_zone_field {
#define PUQ_XX_ZF(id, key, label) PUQ_DNS_ZF_##id,
	PUQ_DNS_ZONE_FIELDS(PUQ_XX_ZF)
#undef PUQ_XX_ZF
	    PUQ_DNS_ZF__COUNT
};

struct puq_dns_zone {
	long long id; /* 0 for a zone not stored yet */
	enum puq_dns_provider provider;
	char *f[PUQ_DNS_ZF__COUNT]; /* owned; NULL = not set / not used by the provider */
};

/* The PHP/database key and the form label of a field. */
const char *puq_dns_zone_field_key(enum puq_dns_zone_field f);
const char *puq_dns_zone_field_label(enum puq_dns_zone_field f);
/* true when provider p uses field f / when f holds a secret. */
bool puq_dns_zone_field_used(enum puq_dns_provider p, enum puq_dns_zone_field f);
bool puq_dns_zone_field_secret(enum puq_dns_zone_field f);
/* true when provider p cannot do without field f. */
bool puq_dns_zone_field_required(enum puq_dns_provider p, enum puq_dns_zone_field f);
/* Field by key, or -1. */
int puq_dns_zone_field_by_key(const char *key);

void puq_dns_zone_init(struct puq_dns_zone *z);
void puq_dns_zone_free(struct puq_dns_zone *z);
/* Sets field f to a copy of value (NULL clears it). -PUQ_ENOMEM on failure. */
int puq_dns_zone_set(struct puq_dns_zone *z, enum puq_dns_zone_field f,
                     const char *value);
/* Deep copy into dst (initialised by the call). */
int puq_dns_zone_copy(struct puq_dns_zone *dst, const struct puq_dns_zone *src);
/* Replaces every secret that is set with PUQ_DNS_KEEP (for lists and edit forms). */
int puq_dns_zone_mask(struct puq_dns_zone *z);

/*
 * Validates submitted values (in: raw strings, NULL = not submitted) against the
 * stored zone (stored: NULL when creating) and writes the normalised zone into out
 * (initialised by the call, freed by the caller also on failure). Every problem is
 * reported as a field error of err; returns 0 or -PUQ_EVALIDATION.
 */
int puq_dns_zone_validate(const struct puq_dns_zone *in,
                          const struct puq_dns_zone *stored, struct puq_dns_zone *out,
                          struct puq_error *err);

struct puq_dns_zones {
	struct puq_dns_zone *items;
	size_t count;
};

void puq_dns_zones_free(struct puq_dns_zones *zs);

/* Every zone ordered by id, secrets included (mask before display). */
int puq_dns_zone_list(struct puq_db *db, struct puq_dns_zones *out,
                      struct puq_error *err);
/* One zone; -PUQ_ENOTFOUND when there is none. out is initialised by the call. */
int puq_dns_zone_get(struct puq_db *db, long long id, struct puq_dns_zone *out,
                     struct puq_error *err);
/* Validates and inserts; *id receives the new id. */
int puq_dns_zone_create(struct puq_db *db, const struct puq_dns_zone *in, long long *id,
                        struct puq_error *err);
/* Validates against the stored zone and updates it (secrets kept on PUQ_DNS_KEEP/""). */
int puq_dns_zone_update(struct puq_db *db, long long id, const struct puq_dns_zone *in,
                        struct puq_error *err);
int puq_dns_zone_delete(struct puq_db *db, long long id, struct puq_error *err);

/* ---- names and matching ------------------------------------------------------------ */

enum puq_dns_name_kind {
	PUQ_DNS_NAME_FORWARD,
	PUQ_DNS_NAME_REVERSE4, /* ends in in-addr.arpa */
	PUQ_DNS_NAME_REVERSE6, /* ends in ip6.arpa */
};

/*
 * Normalises a DNS name into out (PUQ_DNS_NAME_MAX bytes): trims blanks, lowercases,
 * drops one trailing dot. Returns 0, or -PUQ_EINVAL with a reason in err when the
 * result is not a valid name (empty label, label over 63, name over 253, characters
 * other than letters, digits, '-', '_' and '/' in reverse zones).
 */
int puq_dns_name_normalize(const char *in, char out[PUQ_DNS_NAME_MAX],
                           struct puq_error *err);
/* A host name as a record's content (letters, digits, '-', '_', at least two labels). */
int puq_dns_hostname_normalize(const char *in, char out[PUQ_DNS_NAME_MAX],
                               struct puq_error *err);
enum puq_dns_name_kind puq_dns_name_kind(const char *name);
/* Whether the record name (normalised) belongs in the zone (normalised), see above. */
bool puq_dns_zone_matches(const char *zone, const char *name);

/* ---- records ----------------------------------------------------------------------- */

enum puq_dns_rtype { PUQ_DNS_A, PUQ_DNS_AAAA, PUQ_DNS_PTR };

const char *puq_dns_rtype_name(enum puq_dns_rtype t);
/* -1 when unknown. */
int puq_dns_rtype_parse(const char *s);

/* An assigned address and its rDNS hostname (NULL or "" = the FQDN). Borrowed. */
struct puq_dns_address {
	const char *ip;
	const char *rdns;
};

/* The explicit inputs of an operation for one service. Everything is borrowed. */
struct puq_dns_service {
	long long service_id;
	const char *fqdn;      /* <vm name>.<main domain>; NULL/"" = no forward records */
	const char *main_ipv4; /* NULL/"" = no A record */
	const char *main_ipv6; /* NULL/"" = no AAAA record */
	const struct puq_dns_address *addresses; /* every assigned address (mains included
	                                            or not: they always get a PTR) */
	size_t naddresses;
};

struct puq_dns_record {
	enum puq_dns_rtype type;
	char name[PUQ_DNS_NAME_MAX];    /* owner name, normalised */
	char content[PUQ_DNS_NAME_MAX]; /* address (canonical text) or host name */
	char ip[48];                    /* the address the record is about */
};

struct puq_dns_records {
	struct puq_dns_record *items;
	size_t count;
};

void puq_dns_records_free(struct puq_dns_records *rs);

/*
 * The desired records of a service (pure). Bad input (an unparsable address, a main
 * IPv4 that is not IPv4, an invalid FQDN or rDNS hostname) is reported per field
 * ("fqdn", "main_ipv4", "main_ipv6", "addresses.<ip>") and nothing is produced.
 */
int puq_dns_desired(const struct puq_dns_service *svc, struct puq_dns_records *out,
                    struct puq_error *err);

/* ---- operations -------------------------------------------------------------------- */

enum puq_dns_op {
	PUQ_DNS_OP_CREATE,
	PUQ_DNS_OP_REFRESH,
	PUQ_DNS_OP_DELETE,
	PUQ_DNS_OP_RESYNC
};

const char *puq_dns_op_name(enum puq_dns_op op); /* "create", ... */

/* One result line, as the cron output prints it. Borrowed for the callback's duration. */
struct puq_dns_line {
	const char *text; /* "fwd OK [powerdns] example.com ← vm1.example.com → 192.0.2.10" */
	bool ok;
	bool removal;     /* fwd-del / rev-del */
	const char *kind; /* "fwd", "rev", "fwd-del", "rev-del" */
	enum puq_dns_provider provider;
	long long zone_id;
	const char *zone;
	const char *name;
	const char *type;
	const char *content; /* "" for removals */
	const char *message; /* the provider's error for ERR lines, else "" */
};

/*
 * Called for every line as soon as its zone answered, from the operation's own loop
 * (never from inside a transfer callback), so it may print or call into PHP.
 */
typedef void (*puq_dns_line_fn)(void *ctx, const struct puq_dns_line *line);

/* What an operation needs besides its inputs. Everything is borrowed. */
struct puq_dns_ctx {
	struct puq_db *db;
	struct puq_http_engine *http; /* NULL = a libcurl engine for the call */
	long timeout_ms;              /* per request; Settings → General; 0 = 60000 */
	const char *cloudflare_api;   /* NULL = PUQ_DNS_CLOUDFLARE_API */
	const struct puq_http_tls
	    *tls; /* trust for provider endpoints; NULL = system store */
	puq_dns_line_fn on_line;
	void *line_ctx;
	bool no_module_log; /* tests of the pure path: skip tblmodulelog */
};

struct puq_dns_report {
	enum puq_dns_op op;
	size_t services;
	size_t ok;            /* RRset changes a zone accepted */
	size_t failed;        /* RRset changes that failed */
	size_t requests;      /* HTTP requests made */
	struct puq_buf lines; /* every line, '\n'-terminated */
};

void puq_dns_report_init(struct puq_dns_report *r);
void puq_dns_report_free(struct puq_dns_report *r);

/*
 * The operations. Each stores the desired records of the n services (create, refresh
 * and resync from the inputs; delete marks everything of the services absent), then
 * reconciles every RRset concerned - including tombstones left by earlier failures -
 * with every matching zone. create and refresh differ only in how they are logged;
 * resync is the admin's "Set DNS records", and takes along every other service's rows
 * that a provider failed earlier (up to 256 services); all of them are idempotent.
 * Returns 0 whatever the providers answered (see report->failed), or a negative code
 * for invalid input (nothing stored) or a database failure.
 */
int puq_dns_create(const struct puq_dns_ctx *ctx, const struct puq_dns_service *svcs,
                   size_t n, struct puq_dns_report *report, struct puq_error *err);
int puq_dns_refresh(const struct puq_dns_ctx *ctx, const struct puq_dns_service *svcs,
                    size_t n, struct puq_dns_report *report, struct puq_error *err);
int puq_dns_delete(const struct puq_dns_ctx *ctx, const long long *service_ids, size_t n,
                   struct puq_dns_report *report, struct puq_error *err);
int puq_dns_resync(const struct puq_dns_ctx *ctx, const struct puq_dns_service *svcs,
                   size_t n, struct puq_dns_report *report, struct puq_error *err);

/* ---- the Test button ----------------------------------------------------------------
 */

struct puq_dns_test_result {
	bool ok;
	long http_status;
	char message[512]; /* "zone example.com found (active)" or the provider's error */
};

/*
 * A live check of one zone: Cloudflare and PowerDNS fetch the zone's metadata, HestiaCP
 * lists the user's DNS domains. The outcome is in res; the return value is negative
 * only when the check could not be attempted (out of memory).
 */
int puq_dns_zone_test(const struct puq_dns_ctx *ctx, const struct puq_dns_zone *zone,
                      struct puq_dns_test_result *res, struct puq_error *err);

/* ---- the legacy dns.php endpoint ------------------------------------------------------
 */

/* ---- legacy import -------------------------------------------------------------------
 */

struct puq_dns_import_report {
	bool dry_run;
	bool skipped;       /* the module already had zones: nothing was imported */
	char source[96];    /* the legacy table read, "" when there is none */
	size_t zones;       /* zones imported (or that would be) */
	size_t rejected;    /* legacy rows that failed validation (named in log) */
	struct puq_buf log; /* one line per decision, never a secret */
};
void puq_dns_import_report_init(struct puq_dns_import_report *r);
void puq_dns_import_report_free(struct puq_dns_import_report *r);

/*
 * Imports the zones of the legacy "PUQ Customization" addon when the module has none
 * (README "Legacy import" documents the mapping). One transaction; with dry_run it is
 * rolled back and the report says what would happen. Running it again imports nothing.
 */
int puq_dns_import_legacy(struct puq_db *db, bool dry_run,
                          struct puq_dns_import_report *report, struct puq_error *err);
/* The data step registered in src/store/schema.c (the import, for real, once). */
int puq_dns_schema_import(struct puq_db *db, struct puq_error *err);

/*
 * Whether client_ip is allowed by allowlist: IP addresses and CIDR prefixes separated
 * by newlines, commas or blanks. An empty list allows nobody; an entry that does not
 * parse is ignored (the setting's own check, puq_setting_check_allowlist, refuses such
 * lists when they are saved).
 */
bool puq_dns_allowlist_allows(const char *allowlist, const char *client_ip);

/*
 * The mapping the legacy endpoint serves: a JSON array of {"forward", "ip", "reverse"}
 * for every address with a PTR record the module keeps (not removed), ordered by
 * service and address. *out is a new reference.
 */
int puq_dns_legacy_map(struct puq_db *db, json_t **out, struct puq_error *err);

#endif

/*
 * Glue of the dns room, the operations: puqkvm_dns_create/refresh/resync/delete.
 *
 * They take a list of services, each ['service_id' => int, 'fqdn' => string,
 * 'main_ipv4' => ?string, 'main_ipv6' => ?string, 'addresses' => [ip => rdns|null]]
 * (the vm_rev_dns shape; delete takes service ids). An optional callable receives each
 * result line as it arrives - called between transfers, never from inside one - so the
 * cron output is live; if it throws, the operation still finishes (records must not be
 * left half-synced) and the exception surfaces when it returns. Provider failures are
 * never exceptions: they are counted and listed in the returned report.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "dns_glue.h"

struct line_sink {
	zend_fcall_info fci;
	zend_fcall_info_cache fcc;
	bool have;
	zval lines; /* every line, returned as "lines" */
};

static void on_line(void *arg, const struct puq_dns_line *line)
{
	struct line_sink *sink = arg;
	add_next_index_string(&sink->lines, line->text);
	if (!sink->have || EG(exception))
		return;
	zval args[2], ret;
	ZVAL_STRING(&args[0], line->text);
	array_init_size(&args[1], 10);
	add_assoc_string(&args[1], "kind", line->kind);
	add_assoc_bool(&args[1], "ok", line->ok);
	add_assoc_string(&args[1], "provider", puq_dns_provider_name(line->provider));
	add_assoc_long(&args[1], "zone_id", (zend_long)line->zone_id);
	add_assoc_string(&args[1], "zone", line->zone);
	add_assoc_string(&args[1], "name", line->name);
	add_assoc_string(&args[1], "type", line->type);
	add_assoc_string(&args[1], "content", line->content);
	add_assoc_string(&args[1], "message", line->message);
	ZVAL_UNDEF(&ret);
	sink->fci.retval = &ret;
	sink->fci.params = args;
	sink->fci.param_count = 2;
	zend_call_function(&sink->fci, &sink->fcc);
	zval_ptr_dtor(&ret);
	zval_ptr_dtor(&args[0]);
	zval_ptr_dtor(&args[1]);
}

/* An optional string member; false (with a field error) when it is something else. */
static bool member_str(HashTable *ht, const char *key, const char **out,
                       struct puq_error *err)
{
	zval *v = zend_hash_str_find(ht, key, strlen(key));
	*out = NULL;
	if (!v || Z_TYPE_P(v) == IS_NULL)
		return true;
	if (Z_TYPE_P(v) != IS_STRING) {
		puq_error_field(err, key, "%s must be a string", key);
		return false;
	}
	*out = Z_STRVAL_P(v);
	return true;
}

static bool member_id(zval *v, long long *out)
{
	if (v && Z_TYPE_P(v) == IS_LONG && Z_LVAL_P(v) > 0) {
		*out = (long long)Z_LVAL_P(v);
		return true;
	}
	if (v && Z_TYPE_P(v) == IS_STRING &&
	    is_numeric_string(Z_STRVAL_P(v), Z_STRLEN_P(v), NULL, NULL, 0) == IS_LONG) {
		*out = (long long)ZEND_STRTOL(Z_STRVAL_P(v), NULL, 10);
		return *out > 0;
	}
	return false;
}

/*
 * Reads the services list. Strings are borrowed from the PHP arrays (alive for the
 * call); the address arrays are allocated here (free with free_services).
 */
static int read_services(HashTable *list, struct puq_dns_service **out, size_t *n,
                         struct puq_error *err)
{
	uint32_t count = zend_hash_num_elements(list);
	struct puq_dns_service *svcs = ecalloc(count ? count : 1, sizeof(*svcs));
	size_t i = 0;
	bool bad = false;
	zval *item;
	ZEND_HASH_FOREACH_VAL(list, item)
	{
		struct puq_dns_service *s = &svcs[i++];
		if (Z_TYPE_P(item) != IS_ARRAY) {
			puq_error_field(err, "services", "each service must be an array");
			bad = true;
			continue;
		}
		HashTable *ht = Z_ARRVAL_P(item);
		if (!member_id(zend_hash_str_find(ht, "service_id", sizeof("service_id") - 1),
		               &s->service_id)) {
			puq_error_field(err, "service_id", "service_id must be a positive integer");
			bad = true;
		}
		bad |= !member_str(ht, "fqdn", &s->fqdn, err);
		bad |= !member_str(ht, "main_ipv4", &s->main_ipv4, err);
		bad |= !member_str(ht, "main_ipv6", &s->main_ipv6, err);
		zval *addrs = zend_hash_str_find(ht, "addresses", sizeof("addresses") - 1);
		if (!addrs || Z_TYPE_P(addrs) == IS_NULL)
			continue;
		if (Z_TYPE_P(addrs) != IS_ARRAY) {
			puq_error_field(err, "addresses",
			                "addresses must be an array of ip => rDNS host");
			bad = true;
			continue;
		}
		HashTable *a = Z_ARRVAL_P(addrs);
		struct puq_dns_address *list_out = ecalloc(
		    zend_hash_num_elements(a) ? zend_hash_num_elements(a) : 1, sizeof(*list_out));
		s->addresses = list_out;
		zend_string *ip;
		zval *rdns;
		ZEND_HASH_FOREACH_STR_KEY_VAL(a, ip, rdns)
		{
			if (!ip || (Z_TYPE_P(rdns) != IS_STRING && Z_TYPE_P(rdns) != IS_NULL)) {
				puq_error_field(
				    err, "addresses",
				    "addresses must map each IP address to its rDNS host name or null");
				bad = true;
				continue;
			}
			list_out[s->naddresses].ip = ZSTR_VAL(ip);
			list_out[s->naddresses].rdns =
			    Z_TYPE_P(rdns) == IS_STRING ? Z_STRVAL_P(rdns) : NULL;
			s->naddresses++;
		}
		ZEND_HASH_FOREACH_END();
	}
	ZEND_HASH_FOREACH_END();
	*out = svcs;
	*n = i;
	return bad ? -PUQ_EVALIDATION : 0;
}

static void free_services(struct puq_dns_service *svcs, size_t n)
{
	for (size_t i = 0; svcs && i < n; i++)
		if (svcs[i].addresses)
			efree((void *)svcs[i].addresses);
	if (svcs)
		efree(svcs);
}

static void report_to_array(zval *out, const struct puq_dns_report *r, zval *lines)
{
	array_init_size(out, 6);
	add_assoc_string(out, "operation", puq_dns_op_name(r->op));
	add_assoc_long(out, "services", (zend_long)r->services);
	add_assoc_long(out, "ok", (zend_long)r->ok);
	add_assoc_long(out, "failed", (zend_long)r->failed);
	add_assoc_long(out, "requests", (zend_long)r->requests);
	add_assoc_zval(out, "lines", lines);
}

typedef int (*op_fn)(const struct puq_dns_ctx *, const struct puq_dns_service *, size_t,
                     struct puq_dns_report *, struct puq_error *);

static void run_operation(INTERNAL_FUNCTION_PARAMETERS, enum puq_dns_op op, op_fn fn)
{
	HashTable *list;
	struct line_sink sink = {0};
	zend_fcall_info fci = empty_fcall_info;
	zend_fcall_info_cache fcc = empty_fcall_info_cache;
	ZEND_PARSE_PARAMETERS_START(1, 2)
	Z_PARAM_ARRAY_HT(list)
	Z_PARAM_OPTIONAL
	Z_PARAM_FUNC_OR_NULL(fci, fcc)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_error err;
	puq_error_clear(&err);

	struct puq_dns_service *svcs = NULL;
	long long *ids = NULL;
	size_t n = 0;
	int rc;
	if (op == PUQ_DNS_OP_DELETE) {
		ids = ecalloc(zend_hash_num_elements(list) + 1, sizeof(*ids));
		zval *v;
		rc = 0;
		ZEND_HASH_FOREACH_VAL(list, v)
		{
			if (!member_id(v, &ids[n++]))
				rc = puq_error_field(&err, "service_id",
				                     "service ids must be positive integers");
		}
		ZEND_HASH_FOREACH_END();
	} else {
		rc = read_services(list, &svcs, &n, &err);
	}
	sink.have = ZEND_FCI_INITIALIZED(fci);
	sink.fci = fci;
	sink.fcc = fcc;
	array_init(&sink.lines);
	struct puq_dns_ctx ctx = {
	    .db = db,
	    .timeout_ms = php_puqkvm_dns_timeout_ms(db, "heavy_timeout", 60),
	    .cloudflare_api = php_puqkvm_dns_cloudflare_api(),
	    .on_line = on_line,
	    .line_ctx = &sink,
	};
	struct puq_dns_report report;
	puq_dns_report_init(&report);
	if (rc == 0)
		rc = op == PUQ_DNS_OP_DELETE ? puq_dns_delete(&ctx, ids, n, &report, &err)
		                             : fn(&ctx, svcs, n, &report, &err);
	free_services(svcs, n);
	if (ids)
		efree(ids);
	if (rc < 0) {
		zval_ptr_dtor(&sink.lines);
		puq_dns_report_free(&report);
		if (!EG(exception))
			php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	report_to_array(return_value, &report, &sink.lines);
	puq_dns_report_free(&report);
}

PHP_FUNCTION(puqkvm_dns_create)
{
	run_operation(INTERNAL_FUNCTION_PARAM_PASSTHRU, PUQ_DNS_OP_CREATE, puq_dns_create);
}

PHP_FUNCTION(puqkvm_dns_refresh)
{
	run_operation(INTERNAL_FUNCTION_PARAM_PASSTHRU, PUQ_DNS_OP_REFRESH, puq_dns_refresh);
}

PHP_FUNCTION(puqkvm_dns_resync)
{
	run_operation(INTERNAL_FUNCTION_PARAM_PASSTHRU, PUQ_DNS_OP_RESYNC, puq_dns_resync);
}

PHP_FUNCTION(puqkvm_dns_delete)
{
	run_operation(INTERNAL_FUNCTION_PARAM_PASSTHRU, PUQ_DNS_OP_DELETE, NULL);
}

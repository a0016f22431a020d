/*
 * Glue of the cron room: running the cron tasks (with a PHP callable that receives each
 * output line as it happens and one that decrypts what WHMCS encrypted), the task list,
 * the worker heartbeat, the outbox the addon delivers with localAPI, and the module's
 * e-mail templates.
 *
 * The callables are called from the engine's loop, never from inside a transfer, so
 * they may print, flush and call WHMCS functions. An exception thrown by one stops the
 * output (the run finishes its current steps) and is rethrown when the run returns.
 * In --loop mode SIGTERM and SIGINT end the run gracefully: the handlers are installed
 * only while puqkvm_cron_run() runs and the previous ones restored afterwards.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <signal.h>

#include <jansson.h>

#include "glue.h"
#include "ext/date/php_date.h"
#include "puqkvm/cron.h"

struct php_hooks {
	zend_fcall_info line_fci, dec_fci, tick_fci;
	zend_fcall_info_cache line_fcc, dec_fcc, tick_fcc;
	bool have_line, have_dec, have_tick;
	bool failed; /* a callable threw: call nothing more */
};

static void line_hook(void *ctx, const char *text)
{
	struct php_hooks *h = ctx;
	if (!h->have_line || h->failed || EG(exception))
		return;
	zval arg, ret;
	ZVAL_STRING(&arg, text);
	ZVAL_UNDEF(&ret);
	h->line_fci.retval = &ret;
	h->line_fci.params = &arg;
	h->line_fci.param_count = 1;
	if (zend_call_function(&h->line_fci, &h->line_fcc) != SUCCESS || EG(exception))
		h->failed = true;
	zval_ptr_dtor(&arg);
	zval_ptr_dtor(&ret);
}

static void tick_hook(void *ctx)
{
	struct php_hooks *h = ctx;
	if (!h->have_tick || h->failed || EG(exception))
		return;
	zval ret;
	ZVAL_UNDEF(&ret);
	h->tick_fci.retval = &ret;
	h->tick_fci.params = NULL;
	h->tick_fci.param_count = 0;
	if (zend_call_function(&h->tick_fci, &h->tick_fcc) != SUCCESS || EG(exception))
		h->failed = true;
	zval_ptr_dtor(&ret);
}

static int decrypt_hook(void *ctx, const char *cipher, char *out, size_t size,
	struct puq_error *err)
{
	struct php_hooks *h = ctx;
	if (!h->have_dec || h->failed || EG(exception))
		return puq_error_set(err, PUQ_EINVAL, "no decrypt function was given");
	zval arg, ret;
	ZVAL_STRING(&arg, cipher);
	ZVAL_UNDEF(&ret);
	h->dec_fci.retval = &ret;
	h->dec_fci.params = &arg;
	h->dec_fci.param_count = 1;
	int rc = 0;
	if (zend_call_function(&h->dec_fci, &h->dec_fcc) != SUCCESS || EG(exception)) {
		h->failed = true;
		rc = puq_error_set(err, PUQ_EINVAL, "the decrypt function failed");
	} else if (Z_TYPE(ret) != IS_STRING) {
		rc = puq_error_set(err, PUQ_EINVAL, "the decrypt function did not return a string");
	} else if (Z_STRLEN(ret) >= size) {
		rc = puq_error_set(err, PUQ_EINVAL, "the decrypted value is too long");
	} else {
		memcpy(out, Z_STRVAL(ret), Z_STRLEN(ret));
		out[Z_STRLEN(ret)] = '\0';
	}
	if (Z_TYPE(ret) == IS_STRING)
		ZEND_SECURE_ZERO(Z_STRVAL(ret), Z_STRLEN(ret));
	zval_ptr_dtor(&arg);
	zval_ptr_dtor(&ret);
	return rc;
}

static volatile int stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static zval *opt(HashTable *o, const char *key)
{
	return o ? zend_hash_str_find(o, key, strlen(key)) : NULL;
}

PHP_FUNCTION(puqkvm_cron_run)
{
	HashTable *options = NULL;
	struct php_hooks h = {0};
	zend_fcall_info lf = empty_fcall_info, df = empty_fcall_info, tf = empty_fcall_info;
	zend_fcall_info_cache lc = empty_fcall_info_cache, dc = empty_fcall_info_cache,
						  tc = empty_fcall_info_cache;
	ZEND_PARSE_PARAMETERS_START(0, 4)
	Z_PARAM_OPTIONAL
	Z_PARAM_ARRAY_HT(options)
	Z_PARAM_FUNC_OR_NULL(lf, lc)
	Z_PARAM_FUNC_OR_NULL(df, dc)
	Z_PARAM_FUNC_OR_NULL(tf, tc)
	ZEND_PARSE_PARAMETERS_END();
	h.have_tick = ZEND_FCI_INITIALIZED(tf);
	h.tick_fci = tf;
	h.tick_fcc = tc;
	h.have_line = ZEND_FCI_INITIALIZED(lf);
	h.line_fci = lf;
	h.line_fcc = lc;
	h.have_dec = ZEND_FCI_INITIALIZED(df);
	h.dec_fci = df;
	h.dec_fcc = dc;

	struct puq_cron_run_options ro;
	memset(&ro, 0, sizeof(ro));
	zend_string *task = NULL, *worker = NULL;
	zval *v;
	if ((v = opt(options, "task")) && Z_TYPE_P(v) == IS_STRING && Z_STRLEN_P(v))
		ro.task = ZSTR_VAL(task = Z_STR_P(v));
	if ((v = opt(options, "force")))
		ro.force = zend_is_true(v);
	if ((v = opt(options, "no_lock")))
		ro.no_lock = zend_is_true(v);
	if ((v = opt(options, "loop")))
		ro.vms.loop = zend_is_true(v);
	if ((v = opt(options, "quiet")))
		ro.vms.quiet = zend_is_true(v);
	if ((v = opt(options, "deadline")))
		ro.vms.deadline_s = zval_get_double(v);
	if ((v = opt(options, "lease")))
		ro.vms.lease_s = zval_get_double(v);
	if ((v = opt(options, "idle_poll")))
		ro.vms.idle_poll_s = zval_get_double(v);
	if ((v = opt(options, "service_id")))
		ro.vms.service_id = zval_get_long(v);
	if ((v = opt(options, "concurrency")))
		ro.vms.concurrency = (unsigned)zval_get_long(v);
	if ((v = opt(options, "worker_id")) && Z_TYPE_P(v) == IS_STRING)
		ro.vms.worker_id = ZSTR_VAL(worker = Z_STR_P(v));
	/* the weekly schedules are local times: PHP's time zone (WHMCS's) gives the offset */
	if ((v = opt(options, "now")))
		ro.now = (long long)zval_get_long(v);
	if ((v = opt(options, "utc_offset")))
		ro.utc_offset_s = (int)zval_get_long(v);
	else
		ro.utc_offset_s = php_idate('Z', ro.now > 0 ? (time_t)ro.now : time(NULL), 1);
	if ((v = opt(options, "job_budget")))
		ro.job_budget_s = zval_get_double(v);
	(void)task;
	(void)worker;
	ro.vms.cloudflare_api = INI_STR("puqkvm.cloudflare_api");
	ro.vms.stop = &stop_flag;

	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_cron_hooks hooks = {.decrypt = decrypt_hook, .line = line_hook, .tick = tick_hook,
		.ctx = &h};
	struct puq_cron_report rep;
	struct puq_error err;
	puq_error_clear(&err);
	struct sigaction sa, old_term, old_int;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	stop_flag = 0;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGINT, &sa, &old_int);
	int rc = puq_cron_run(db, &ro, &hooks, &rep, &err);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGINT, &old_int, NULL);
	if (EG(exception))
		RETURN_THROWS();
	if (rc < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	array_init(return_value);
	add_assoc_long(return_value, "tasks_run", (zend_long)rep.tasks_run);
	add_assoc_long(return_value, "processed", (zend_long)rep.processed);
	add_assoc_long(return_value, "errors", (zend_long)rep.errors);
	add_assoc_long(return_value, "busy", (zend_long)rep.busy);
	add_assoc_bool(return_value, "stopped", stop_flag != 0);
}

PHP_FUNCTION(puqkvm_cron_tasks)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	json_t *j = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_cron_list(db, &j, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	php_puqkvm_json_to_zval(return_value, j);
	json_decref(j);
}

PHP_FUNCTION(puqkvm_cron_workers_alive)
{
	zend_long within = 15;
	ZEND_PARSE_PARAMETERS_START(0, 1)
	Z_PARAM_OPTIONAL
	Z_PARAM_LONG(within)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	long long n = 0;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_cron_workers_alive(db, (int)within, &n, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	RETURN_LONG((zend_long)n);
}

PHP_FUNCTION(puqkvm_cron_worker_id)
{
	ZEND_PARSE_PARAMETERS_NONE();
	char id[128];
	puq_cron_worker_id(id);
	RETURN_STRING(id);
}

PHP_FUNCTION(puqkvm_outbox_claim)
{
	zend_string *worker;
	zend_long limit = 50;
	ZEND_PARSE_PARAMETERS_START(1, 2)
	Z_PARAM_STR(worker)
	Z_PARAM_OPTIONAL
	Z_PARAM_LONG(limit)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	json_t *j = NULL;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_outbox_claim(db, ZSTR_VAL(worker), (int)limit, 120, &j, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	php_puqkvm_json_to_zval(return_value, j);
	json_decref(j);
}

PHP_FUNCTION(puqkvm_outbox_ack)
{
	zend_long id;
	zend_string *worker, *error = NULL;
	bool ok;
	ZEND_PARSE_PARAMETERS_START(3, 4)
	Z_PARAM_LONG(id)
	Z_PARAM_STR(worker)
	Z_PARAM_BOOL(ok)
	Z_PARAM_OPTIONAL
	Z_PARAM_STR(error)
	ZEND_PARSE_PARAMETERS_END();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_outbox_ack(db, id, ZSTR_VAL(worker), ok, error ? ZSTR_VAL(error) : "", &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
}

PHP_FUNCTION(puqkvm_email_templates_install)
{
	ZEND_PARSE_PARAMETERS_NONE();
	struct puq_db *db = php_puqkvm_db();
	if (!db)
		RETURN_THROWS();
	size_t n = 0;
	struct puq_error err;
	puq_error_clear(&err);
	if (puq_cron_email_templates_install(db, &n, &err) < 0) {
		php_puqkvm_throw(&err);
		RETURN_THROWS();
	}
	RETURN_LONG((zend_long)n);
}

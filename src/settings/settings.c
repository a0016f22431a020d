/*
 * The addon's settings: the table of definitions, validation of a submitted set, and
 * storage in puq_proxmox_kvm_settings (one row per saved setting).
 *
 * Adding a setting is one line in `defs[]` with one of the *_SETTING macros; the admin
 * pages render their forms from puqkvm_settings_definitions(), so nothing else changes.
 * Cron task intervals are named cron_interval_<task>, with the task's CLI name, so the
 * cron room finds a task's interval by concatenation.
 *
 * Validation first checks every submitted value against a copy of the current values
 * and only then replaces them, so a set with one bad field leaves everything as it was;
 * saving validates the whole set before the transaction starts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "puqkvm/settings.h"
#include "puqkvm/text.h"

#define INT_SETTING(n, grp, sec, dflt_, lo, hi, unit_, label_, help_)                     \
	{.name = (n), .group = (grp), .section = (sec), .type = PUQ_SETTING_INT,              \
		.dflt = #dflt_, .min = (lo), .max = (hi), .unit = (unit_), .label = (label_),    \
		.help = (help_)}
#define BOOL_SETTING(n, grp, sec, on, label_, help_)                                     \
	{.name = (n), .group = (grp), .section = (sec), .type = PUQ_SETTING_BOOL,             \
		.dflt = (on) ? "1" : "0", .label = (label_), .help = (help_)}
#define CHOICE_SETTING(n, grp, sec, dflt_, choices_, label_, help_)                      \
	{.name = (n), .group = (grp), .section = (sec), .type = PUQ_SETTING_CHOICE,           \
		.dflt = (dflt_), .choices = (choices_), .label = (label_), .help = (help_)}
#define TEXT_SETTING(n, grp, sec, dflt_, maxlen, lines, check_, label_, help_)            \
	{.name = (n), .group = (grp), .section = (sec), .type = PUQ_SETTING_TEXT,             \
		.dflt = (dflt_), .max_len = (maxlen), .multiline = (lines), .check = (check_),   \
		.label = (label_), .help = (help_)}
/* A cron task's interval in minutes; 0 disables the task. */
#define CRON_TASK(task, dflt_, label_, help_)                                            \
	INT_SETTING("cron_interval_" task, "cron", "Cron Tasks", dflt_, 0, 1440, "min",       \
		(label_), help_ " Minutes between runs, 0 disables the task.")

static const struct puq_setting_choice cron_modes[] = {
	{"whmcs", "WHMCS hook (runs with the WHMCS cron)"},
	{"standalone", "Standalone (system crontab runs cron.php every minute)"},
	{NULL, NULL},
};

static const struct puq_setting_def defs[] = {
	/* Settings > General */
	INT_SETTING("default_timeout", "general", "API Timeouts", 10, 1, 300, "s",
		"Default Timeout",
		"Timeout of Proxmox API requests made while an admin or client page loads."),
	INT_SETTING("heavy_timeout", "general", "API Timeouts", 60, 1, 600, "s",
		"Heavy Operations Timeout",
		"Timeout of Proxmox API requests in cron operations (deploy, clone, terminate, "
		"change package)."),
	BOOL_SETTING("migration_enabled", "general", "VM Migration", true,
		"Enable post-clone migration",
		"VMs cloned on the template's node are migrated to the target node with the right "
		"storage."),
	INT_SETTING("migration_timeout", "general", "VM Migration", 300, 10, 3600, "s",
		"Migration Timeout",
		"Longest wait for a migration within one cron run; the next run carries on."),
	TEXT_SETTING("dns_endpoint_allowlist", "general", "Legacy DNS endpoint", "", 4096, true,
		puq_setting_check_allowlist, "dns.php allowlist",
		"IP addresses or networks (CIDR), one per line, that may read the legacy dns.php "
		"endpoint. Empty: nobody may."),
	BOOL_SETTING("drop_tables_on_deactivate", "general", "Module Data", false,
		"Delete all database tables",
		"Drop every module table when the addon is deactivated. Off (default) keeps them "
		"for a safe update."),

	/* Settings > Cron */
	CHOICE_SETTING("cron_mode", "cron", "Cron Mode", "whmcs", cron_modes, "Cron mode",
		"Who starts the module's tasks: the WHMCS cron or the system crontab."),
	TEXT_SETTING("cron_php_binary", "cron", "Cron Mode", "", 255, false,
		puq_setting_check_abspath, "PHP binary",
		"Absolute path of the PHP command line binary in the crontab line. Empty: the PHP "
		"that runs WHMCS."),
	INT_SETTING("cron_lock_timeout", "cron", "Cron Mode", 600, 30, 86400, "s", "Lock Timeout",
		"A task's lock older than this is considered stale and taken over."),
	/* the provisioning engine (src/cron) */
	INT_SETTING("cron_concurrency", "cron", "Provisioning Engine", 64, 1, 1024, NULL,
		"VMs per worker", "VMs one cron worker drives at once; several workers share the rest."),
	INT_SETTING("pve_connections", "cron", "Provisioning Engine", 16, 1, 256, NULL,
		"Proxmox connections", "Concurrent API connections a worker opens to one Proxmox address."),
	INT_SETTING("clone_cap", "cron", "Provisioning Engine", 4, 1, 1000, NULL, "Clones at once",
		"Most clones running at once per node and per storage, over all workers (Proxmox "
		"answers more with 'got lock request timeout')."),
	INT_SETTING("attention_after", "cron", "Provisioning Engine", 3600, 300, 604800, "s",
		"Needs attention after",
		"A VM failing for longer than this is flagged on the dashboard and in the module log."),
	BOOL_SETTING("wake_on_provision", "cron", "Provisioning Engine", true,
		"Start work at once",
		"CreateAccount and the other provisioning calls start a worker for the service when no "
		"looping worker is alive, so a new VM does not wait for the next cron run."),
	CRON_TASK("processVirtualMachines", 1, "Process Virtual Machines",
		"Deploys new VMs, runs change package and terminate, refreshes DNS."),
	CRON_TASK("removeOldSnapshots", 5, "Remove Old Snapshots",
		"Deletes snapshots older than their product's lifetime."),
	CRON_TASK("restoreBackupStatus", 1, "Restore Backup Status",
		"Follows backup restores until they finish."),
	CRON_TASK("nowBackupStatus", 1, "Now Backup Status",
		"Follows manual backups until they finish."),
	CRON_TASK("scheduleBackup", 5, "Schedule Backup", "Starts scheduled backups."),
	CRON_TASK("scheduleSnapshot", 5, "Schedule Snapshot", "Takes scheduled snapshots."),
	CRON_TASK("collectingStatistics", 60, "Collecting Statistics",
		"Collects network usage for metric billing."),
};

size_t puq_settings_count(void)
{
	return PUQ_ARRAY_LEN(defs);
}

const struct puq_setting_def *puq_settings_def(size_t index)
{
	return index < PUQ_ARRAY_LEN(defs) ? &defs[index] : NULL;
}

const struct puq_setting_def *puq_settings_find(const char *name, size_t *index)
{
	for (size_t i = 0; i < PUQ_ARRAY_LEN(defs); i++)
		if (strcmp(defs[i].name, name) == 0) {
			if (index)
				*index = i;
			return &defs[i];
		}
	return NULL;
}

/* ---- a set of values ------------------------------------------------------------------ */

int puq_settings_init(struct puq_settings *s, struct puq_error *err)
{
	s->n = PUQ_ARRAY_LEN(defs);
	s->values = PUQ_CALLOC(s->n, sizeof(char *));
	if (!s->values)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	for (size_t i = 0; i < s->n; i++)
		if (!(s->values[i] = puq_strdup(defs[i].dflt))) {
			puq_settings_free(s);
			return puq_error_set(err, PUQ_ENOMEM, NULL);
		}
	return 0;
}

void puq_settings_free(struct puq_settings *s)
{
	for (size_t i = 0; s->values && i < s->n; i++)
		PUQ_FREE(s->values[i]);
	PUQ_FREE(s->values);
	s->values = NULL;
	s->n = 0;
}

const char *puq_settings_get(const struct puq_settings *s, const char *name)
{
	size_t i;
	return puq_settings_find(name, &i) && i < s->n ? s->values[i] : "";
}

long long puq_settings_get_int(const struct puq_settings *s, const char *name)
{
	return strtoll(puq_settings_get(s, name), NULL, 10);
}

bool puq_settings_get_bool(const struct puq_settings *s, const char *name)
{
	return strcmp(puq_settings_get(s, name), "1") == 0;
}

/* ---- validation ----------------------------------------------------------------------- */

/* value without surrounding blanks, as [*start, *start + *len) */
static void trim(const char **start, size_t *len)
{
	while (*len && isspace((unsigned char)**start)) {
		(*start)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*start)[*len - 1]))
		(*len)--;
}

static const char *unit_words(const char *unit)
{
	if (!unit)
		return "";
	if (strcmp(unit, "s") == 0)
		return " seconds";
	if (strcmp(unit, "min") == 0)
		return " minutes";
	return "";
}

static bool word_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

/*
 * Checks one value against its definition. On success appends the value to store to
 * out; otherwise writes the admin's message into msg.
 */
static bool check_value(const struct puq_setting_def *d, const char *value, size_t len,
	struct puq_buf *out, char *msg, size_t msgsize)
{
	const char *why = puq_text_problem(value, len);
	if (why) {
		snprintf(msg, msgsize, "%s", why);
		return false;
	}
	switch (d->type) {
	case PUQ_SETTING_INT: {
		const char *p = value;
		size_t n = len;
		trim(&p, &n);
		char digits[24];
		size_t first = n > 0 && (p[0] == '-' || p[0] == '+') ? 1 : 0;
		bool ok = n > first && n < sizeof(digits);
		for (size_t i = first; ok && i < n; i++)
			ok = isdigit((unsigned char)p[i]);
		long long v = 0;
		if (ok) {
			memcpy(digits, p, n);
			digits[n] = '\0';
			errno = 0;
			v = strtoll(digits, NULL, 10);
			ok = errno == 0 && v >= d->min && v <= d->max;
		}
		if (!ok) {
			snprintf(msg, msgsize, "must be a whole number from %lld to %lld%s", d->min, d->max,
				unit_words(d->unit));
			return false;
		}
		puq_buf_printf(out, "%lld", v);
		return true;
	}
	case PUQ_SETTING_BOOL: {
		const char *p = value;
		size_t n = len;
		trim(&p, &n);
		if (word_is(p, n, "1") || word_is(p, n, "on") || word_is(p, n, "true") ||
			word_is(p, n, "yes")) {
			puq_buf_putc(out, '1');
			return true;
		}
		if (word_is(p, n, "0") || word_is(p, n, "off") || word_is(p, n, "false") ||
			word_is(p, n, "no")) {
			puq_buf_putc(out, '0');
			return true;
		}
		snprintf(msg, msgsize, "must be on or off");
		return false;
	}
	case PUQ_SETTING_CHOICE: {
		for (const struct puq_setting_choice *c = d->choices; c->value; c++)
			if (strlen(c->value) == len && memcmp(c->value, value, len) == 0) {
				puq_buf_puts(out, c->value);
				return true;
			}
		size_t used = (size_t)snprintf(msg, msgsize, "must be one of:");
		for (const struct puq_setting_choice *c = d->choices; c->value && used < msgsize; c++)
			used += (size_t)snprintf(msg + used, msgsize - used, "%s %s",
				c == d->choices ? "" : ",", c->value);
		return false;
	}
	case PUQ_SETTING_TEXT:
		if (len > d->max_len) {
			snprintf(msg, msgsize, "is too long (%zu bytes, at most %zu)", len, d->max_len);
			return false;
		}
		if (d->check)
			return d->check(value, len, out, msg, msgsize);
		puq_buf_append(out, value, len);
		return true;
	}
	snprintf(msg, msgsize, "has an unknown type");
	return false;
}

int puq_settings_validate(struct puq_settings *s, const struct puq_setting_input *in, size_t n,
	struct puq_error *err)
{
	char **staged = PUQ_CALLOC(s->n, sizeof(char *));
	if (!staged)
		return puq_error_set(err, PUQ_ENOMEM, NULL);
	int rc = 0;
	struct puq_buf value = PUQ_BUF_INIT;

	for (size_t k = 0; k < n; k++) {
		size_t i;
		char msg[PUQ_FIELD_MESSAGE_MAX];
		const struct puq_setting_def *d = puq_settings_find(in[k].name, &i);
		if (!d) {
			rc = puq_error_field(err, in[k].name, "is not a setting of this module");
			continue;
		}
		puq_buf_reset(&value);
		if (!check_value(d, in[k].value ? in[k].value : "", in[k].value ? in[k].len : 0,
				&value, msg, sizeof(msg))) {
			rc = puq_error_field(err, d->name, "%s", msg);
			continue;
		}
		char *copy = puq_strndup(puq_buf_cstr(&value), value.len);
		if (!copy || puq_buf_failed(&value)) {
			PUQ_FREE(copy);
			rc = puq_error_set(err, PUQ_ENOMEM, NULL);
			break;
		}
		PUQ_FREE(staged[i]); /* the same name twice: the later value wins */
		staged[i] = copy;
	}
	puq_buf_free(&value);

	for (size_t i = 0; i < s->n; i++) {
		if (!staged[i])
			continue;
		if (rc == 0) { /* all valid: only now does s change */
			PUQ_FREE(s->values[i]);
			s->values[i] = staged[i];
		} else {
			PUQ_FREE(staged[i]);
		}
	}
	PUQ_FREE(staged);
	if (rc < 0 && err && err->code == PUQ_EVALIDATION && err->nfields > 0) {
		if (err->nfields == 1)
			puq_error_set(err, PUQ_EVALIDATION,
				"1 setting is invalid, so nothing was saved: %s %s", err->fields[0].field,
				err->fields[0].message);
		else
			puq_error_set(err, PUQ_EVALIDATION,
				"%zu settings are invalid, so nothing was saved", err->nfields);
	}
	return rc;
}

/* ---- storage ---------------------------------------------------------------------------- */

int puq_settings_load(struct puq_db *db, struct puq_settings *out, struct puq_error *err)
{
	int rc = puq_settings_init(out, err);
	if (rc < 0)
		return rc;
	struct puq_db_rows *rows;
	rc = puq_db_query(db, err, "SELECT name, value FROM puq_proxmox_kvm_settings", PUQ_NOARGS,
		&rows);
	if (rc < 0) {
		puq_settings_free(out);
		return rc;
	}
	for (size_t r = 0; r < rows->nrows; r++) {
		const char *name = puq_db_cell(rows, r, 0);
		const char *value = puq_db_cell(rows, r, 1);
		size_t i;
		if (!name || !value || !puq_settings_find(name, &i))
			continue; /* a setting an older or newer build had */
		/* a stored value this build no longer accepts reads as the default */
		struct puq_setting_input one = {name, value, puq_db_cell_len(rows, r, 1)};
		struct puq_error ignored;
		puq_error_clear(&ignored);
		puq_settings_validate(out, &one, 1, &ignored);
	}
	puq_db_rows_free(rows);
	return 0;
}

struct save_ctx {
	const struct puq_setting_input *in;
	size_t n;
	const struct puq_settings *valid;
};

static int store_values(struct puq_db *db, void *p, struct puq_error *err)
{
	struct save_ctx *c = p;
	for (size_t k = 0; k < c->n; k++) {
		const char *value = puq_settings_get(c->valid, c->in[k].name);
		int rc = puq_db_exec(db, err,
			"INSERT INTO puq_proxmox_kvm_settings (name, value) VALUES (?, ?) "
			"ON DUPLICATE KEY UPDATE value = ?",
			PUQ_ARGS(PUQ_TEXT(c->in[k].name), PUQ_TEXT(value), PUQ_TEXT(value)), NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int puq_settings_save(struct puq_db *db, const struct puq_setting_input *in, size_t n,
	struct puq_settings *out, struct puq_error *err)
{
	/* the defaults are enough to validate: a value's validity never depends on another */
	struct puq_settings valid;
	int rc = puq_settings_init(&valid, err);
	if (rc < 0)
		return rc;
	rc = puq_settings_validate(&valid, in, n, err);
	if (rc == 0) {
		struct save_ctx c = {in, n, &valid};
		rc = puq_db_transaction(db, store_values, &c, err);
	}
	puq_settings_free(&valid);
	if (rc < 0)
		return rc;
	return puq_settings_load(db, out, err);
}

static int delete_group(struct puq_db *db, void *p, struct puq_error *err)
{
	const char *group = p;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(defs); i++) {
		if (strcmp(defs[i].group, group) != 0)
			continue;
		int rc = puq_db_exec(db, err, "DELETE FROM puq_proxmox_kvm_settings WHERE name = ?",
			PUQ_ARGS(PUQ_TEXT(defs[i].name)), NULL);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int puq_settings_reset(struct puq_db *db, const char *group, struct puq_error *err)
{
	if (!group)
		return puq_db_exec(db, err, "DELETE FROM puq_proxmox_kvm_settings", PUQ_NOARGS, NULL);
	for (size_t i = 0; i < PUQ_ARRAY_LEN(defs); i++)
		if (strcmp(defs[i].group, group) == 0)
			return puq_db_transaction(db, delete_group, (void *)group, err);
	return puq_error_field(err, "group", "is not a settings group (general, cron)");
}

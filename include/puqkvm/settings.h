/*
 * settings: the addon's settings (Settings > General, Settings > Cron), as one table of
 * definitions in src/settings/settings.c that drives validation, storage and the forms
 * the admin pages render.
 *
 * Values travel as text. Validation of a submitted set reports every bad field at once
 * and changes nothing; a valid set is stored in one transaction. Settings nobody has
 * saved read as their defaults, and a stored value that a newer build no longer
 * accepts (a narrowed range) reads as the default too, so loading never fails on data.
 */
#ifndef PUQKVM_SETTINGS_H
#define PUQKVM_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "puqkvm/buf.h"
#include "puqkvm/error.h"
#include "puqkvm/store.h"

enum puq_setting_type {
	PUQ_SETTING_INT,    /* whole number in [min, max], stored in decimal */
	PUQ_SETTING_BOOL,   /* "1" or "0"; input also on/off, true/false, yes/no */
	PUQ_SETTING_CHOICE, /* one of choices[].value */
	PUQ_SETTING_TEXT,   /* free text up to max_len bytes, checked by check() */
};

struct puq_setting_choice {
	const char *value;
	const char *label;
};

/*
 * A text setting's own rule. Returns true and appends the value to store (normalised:
 * trimmed lines, ...) to out, or returns false with a message for the admin in msg.
 */
typedef bool (*puq_setting_check_fn)(const char *value, size_t len, struct puq_buf *out,
	char *msg, size_t msgsize);

struct puq_setting_def {
	const char *name;     /* key in storage, in the PHP arrays and in form fields */
	const char *group;    /* the page: "general" or "cron" */
	const char *section;  /* heading on that page: "API Timeouts", ... */
	enum puq_setting_type type;
	const char *dflt;     /* the default, as stored */
	long long min, max;   /* INT */
	const char *unit;     /* INT: "s" or "min"; NULL otherwise */
	const struct puq_setting_choice *choices; /* CHOICE: ends with {NULL} */
	size_t max_len;       /* TEXT */
	bool multiline;       /* TEXT: render as a text area */
	puq_setting_check_fn check; /* TEXT: may be NULL */
	const char *label;
	const char *help;
};

/* The definitions, in display order. */
size_t puq_settings_count(void);
const struct puq_setting_def *puq_settings_def(size_t index);
/* The definition named name, or NULL; *index (may be NULL) receives its position. */
const struct puq_setting_def *puq_settings_find(const char *name, size_t *index);

/* One value per definition, in definition order; every value owned and never NULL. */
struct puq_settings {
	size_t n;
	char **values;
};

/* Fills s with the defaults. Free with puq_settings_free. */
int puq_settings_init(struct puq_settings *s, struct puq_error *err);
void puq_settings_free(struct puq_settings *s);
/* The value of name ("" for an unknown name); borrowed from s. */
const char *puq_settings_get(const struct puq_settings *s, const char *name);
long long puq_settings_get_int(const struct puq_settings *s, const char *name);
bool puq_settings_get_bool(const struct puq_settings *s, const char *name);

/* A submitted value; value holds len bytes (a NUL inside is refused). */
struct puq_setting_input {
	const char *name;
	const char *value;
	size_t len;
};

/*
 * Checks every input and, when all are valid, writes their normalised values into s.
 * On any error s is left untouched and err lists each bad field (an unknown name is
 * a field error too). Never touches the database.
 */
int puq_settings_validate(struct puq_settings *s, const struct puq_setting_input *in, size_t n,
	struct puq_error *err);

/* Reads the stored settings over the defaults. out is initialised here; free it. */
int puq_settings_load(struct puq_db *db, struct puq_settings *out, struct puq_error *err);

/*
 * Validates in (all of it, nothing stored on any error), stores the submitted values
 * in one transaction and loads the result into out (initialised here; free it).
 */
int puq_settings_save(struct puq_db *db, const struct puq_setting_input *in, size_t n,
	struct puq_settings *out, struct puq_error *err);

/* Forgets the stored values of group (NULL = every setting): they read as defaults. */
int puq_settings_reset(struct puq_db *db, const char *group, struct puq_error *err);

/* ---- checks of text settings (src/settings/checks.c) ---- */

/* IPv4/IPv6 addresses or CIDR networks, one per line; empty lines dropped. */
bool puq_setting_check_allowlist(const char *value, size_t len, struct puq_buf *out, char *msg,
	size_t msgsize);
/* "" or an absolute path without control characters. */
bool puq_setting_check_abspath(const char *value, size_t len, struct puq_buf *out, char *msg,
	size_t msgsize);

#endif

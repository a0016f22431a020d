/*
 * Checks on the declarative table list (schema.c) that need no database: the lint that
 * catches a bad declaration in a unit test, and the fingerprint that lets
 * puq_db_schema_check() notice any change of the list, bumped version or not.
 *
 * Both read index column lists ("server_id, type", "zone(64)") through
 * puq_schema_next_column(), which migrate.c uses to write them as SQL.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "puqkvm/schema.h"
#include "store_internal.h"

#define IDENT_MAX 64
#define STEP_NAME_MAX 59 /* "step:" + name fits the meta table's VARCHAR(64) */

static bool valid_ident(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '_')
			return false;
	return n > 0 && n <= IDENT_MAX;
}

/* Case-insensitive substring test on SQL text. */
static bool contains_ci(const char *haystack, const char *needle)
{
	size_t n = strlen(needle);
	for (; *haystack; haystack++)
		if (strncasecmp(haystack, needle, n) == 0)
			return true;
	return false;
}

bool puq_schema_next_column(const char **cursor, char *name, size_t size, unsigned *prefix)
{
	const char *p = *cursor;
	while (*p == ' ' || *p == ',')
		p++;
	if (!*p)
		return false;
	size_t n = 0;
	while (*p && *p != ',' && *p != '(' && *p != ' ') {
		if (n + 1 < size)
			name[n++] = *p;
		p++;
	}
	name[n] = '\0';
	*prefix = 0;
	while (*p == ' ')
		p++;
	if (*p == '(') {
		unsigned v = 0;
		for (p++; isdigit((unsigned char)*p); p++)
			v = v * 10 + (unsigned)(*p - '0');
		if (*p == ')')
			p++;
		*prefix = v;
	}
	*cursor = p;
	return true;
}

static bool table_has_column(const struct puq_schema_table *t, const char *name)
{
	for (const struct puq_schema_column *c = t->columns; c && c->name; c++)
		if (strcasecmp(c->name, name) == 0)
			return true;
	return false;
}

bool puq_schema_in_primary(const struct puq_schema_table *t, const char *column)
{
	for (const struct puq_schema_index *i = t->indexes; i && i->name; i++) {
		if (i->kind != PUQ_INDEX_PRIMARY)
			continue;
		const char *cur = i->columns;
		char name[IDENT_MAX + 1];
		unsigned prefix;
		while (puq_schema_next_column(&cur, name, sizeof(name), &prefix))
			if (strcasecmp(name, column) == 0)
				return true;
	}
	return false;
}

static bool is_text_or_blob(const char *definition)
{
	static const char *const types[] = {"TINYTEXT", "TEXT", "MEDIUMTEXT", "LONGTEXT",
		"TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB", "JSON"};
	for (size_t i = 0; i < PUQ_ARRAY_LEN(types); i++) {
		size_t n = strlen(types[i]);
		if (strncasecmp(definition, types[i], n) == 0 &&
			(definition[n] == ' ' || definition[n] == '\0'))
			return true;
	}
	return false;
}

static void lint_columns(const struct puq_schema_table *t, struct puq_error *err)
{
	char field[PUQ_FIELD_NAME_MAX];
	if (!t->columns || !t->columns[0].name)
		puq_error_field(err, t->name, "has no columns");
	for (const struct puq_schema_column *c = t->columns; c && c->name; c++) {
		snprintf(field, sizeof(field), "%s.%s", t->name, c->name);
		if (!valid_ident(c->name))
			puq_error_field(err, field, "is not a valid column name");
		for (const struct puq_schema_column *d = t->columns; d != c; d++)
			if (strcasecmp(d->name, c->name) == 0)
				puq_error_field(err, field, "is declared twice");
		if (!c->definition || !c->definition[0]) {
			puq_error_field(err, field, "has no definition");
			continue;
		}
		bool not_null = contains_ci(c->definition, "NOT NULL");
		bool has_default = contains_ci(c->definition, "DEFAULT");
		if (not_null && !has_default && !contains_ci(c->definition, "AUTO_INCREMENT") &&
			!puq_schema_in_primary(t, c->name))
			puq_error_field(err, field,
				"is NOT NULL without a DEFAULT: rows of an adopted table would have no value");
		if (is_text_or_blob(c->definition) && (not_null || has_default))
			puq_error_field(err, field,
				"is TEXT/BLOB: declare it NULL without DEFAULT (MySQL allows no literal default)");
	}
}

static void lint_indexes(const struct puq_schema_table *t, struct puq_error *err)
{
	char field[PUQ_FIELD_NAME_MAX];
	int primaries = 0;
	for (const struct puq_schema_index *i = t->indexes; i && i->name; i++) {
		snprintf(field, sizeof(field), "%s.%s", t->name, i->name);
		if (i->kind == PUQ_INDEX_PRIMARY) {
			if (++primaries > 1)
				puq_error_field(err, field, "is a second primary key");
			if (strcmp(i->name, "PRIMARY") != 0)
				puq_error_field(err, field, "a primary key must be named PRIMARY");
		} else if (!valid_ident(i->name) || strcasecmp(i->name, "PRIMARY") == 0) {
			puq_error_field(err, field, "is not a valid index name");
		}
		for (const struct puq_schema_index *j = t->indexes; j != i; j++)
			if (strcasecmp(j->name, i->name) == 0)
				puq_error_field(err, field, "is declared twice");
		const char *cur = i->columns ? i->columns : "";
		char name[IDENT_MAX + 1];
		unsigned prefix;
		int n = 0;
		while (puq_schema_next_column(&cur, name, sizeof(name), &prefix)) {
			n++;
			if (!table_has_column(t, name))
				puq_error_field(err, field, "names the unknown column %s", name);
		}
		if (n == 0)
			puq_error_field(err, field, "has no columns");
	}
}

int puq_schema_lint(const struct puq_schema *s, struct puq_error *err)
{
	struct puq_error local;
	puq_error_clear(&local);
	bool has_meta = false;

	for (size_t k = 0; s->tables[k]; k++) {
		const struct puq_schema_table *t = s->tables[k];
		if (!t->name || !valid_ident(t->name)) {
			puq_error_field(&local, t->name ? t->name : "(unnamed)", "is not a valid table name");
			continue;
		}
		if (strcmp(t->name, PUQ_SCHEMA_META_TABLE) == 0)
			has_meta = true;
		for (size_t j = 0; j < k; j++)
			if (strcasecmp(s->tables[j]->name, t->name) == 0)
				puq_error_field(&local, t->name, "is declared twice");
		lint_columns(t, &local);
		lint_indexes(t, &local);
	}
	if (!has_meta)
		puq_error_field(&local, PUQ_SCHEMA_META_TABLE, "is missing from the table list");
	for (size_t k = 0; s->steps && s->steps[k].name; k++) {
		const struct puq_schema_step *st = &s->steps[k];
		if (!valid_ident(st->name) || strlen(st->name) > STEP_NAME_MAX || !st->run)
			puq_error_field(&local, st->name, "is not a valid data step (name of at most %d "
				"letters, digits and _, and a function)", STEP_NAME_MAX);
		for (size_t j = 0; j < k; j++)
			if (strcmp(s->steps[j].name, st->name) == 0)
				puq_error_field(&local, st->name, "is declared twice");
	}
	if (local.nfields == 0)
		return 0;
	if (err)
		*err = local;
	return -local.code;
}

/* ---- fingerprint ------------------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	h ^= 0x1f; /* separator, so "ab","c" and "a","bc" differ */
	h *= 1099511628211ULL;
	return h;
}

uint64_t puq_schema_fingerprint(const struct puq_schema *s)
{
	uint64_t h = 14695981039346656037ULL;
	char version[16];
	snprintf(version, sizeof(version), "%d", s->version);
	h = fnv(h, version);
	for (size_t k = 0; s->tables[k]; k++) {
		const struct puq_schema_table *t = s->tables[k];
		h = fnv(h, t->name);
		for (const struct puq_schema_column *c = t->columns; c && c->name; c++) {
			h = fnv(h, c->name);
			h = fnv(h, c->definition);
		}
		for (const struct puq_schema_index *i = t->indexes; i && i->name; i++) {
			h = fnv(h, i->kind == PUQ_INDEX_PRIMARY ? "P" : i->kind == PUQ_INDEX_UNIQUE ? "U" : "K");
			h = fnv(h, i->name);
			h = fnv(h, i->columns);
		}
	}
	for (size_t k = 0; s->steps && s->steps[k].name; k++)
		h = fnv(h, s->steps[k].name);
	return h;
}

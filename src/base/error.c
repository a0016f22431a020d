/*
 * The error table and the fixed-buffer error struct (see include/puqkvm/error.h).
 * Nothing here allocates: errors must be reportable when memory is short.
 */
#include <stdio.h>

#include "puqkvm/error.h"

struct errno_entry {
	int code;
	const char *name;
	const char *message;
	enum puq_error_category category;
};

static const struct errno_entry errno_table[] = {
#define PUQ_XX_ERR(name, num, cat, msg) {(num), "PUQ_" #name, (msg), PUQ_CAT_##cat},
	PUQ_ERRNO_MAP(PUQ_XX_ERR)
#undef PUQ_XX_ERR
};

static const char *const category_classes[] = {
#define PUQ_XX_CAT(name, cls) cls,
	PUQ_ERROR_CATEGORY_MAP(PUQ_XX_CAT)
#undef PUQ_XX_CAT
};

static const struct errno_entry *lookup(int code)
{
	if (code < 0)
		code = -code;
	for (size_t i = 0; i < PUQ_ARRAY_LEN(errno_table); i++)
		if (errno_table[i].code == code)
			return &errno_table[i];
	return NULL;
}

const char *puq_error_name(int code)
{
	const struct errno_entry *e = lookup(code);
	return e ? e->name : "PUQ_EUNKNOWN";
}

const char *puq_error_message(int code)
{
	const struct errno_entry *e = lookup(code);
	return e ? e->message : "unknown error";
}

enum puq_error_category puq_error_category(int code)
{
	const struct errno_entry *e = lookup(code);
	return e ? e->category : PUQ_CAT_GENERIC;
}

const char *puq_error_category_class(enum puq_error_category cat)
{
	if ((int)cat < 0 || cat >= PUQ_CAT__COUNT)
		return category_classes[PUQ_CAT_GENERIC];
	return category_classes[cat];
}

void puq_error_clear(struct puq_error *err)
{
	if (!err)
		return;
	err->code = PUQ_OK;
	err->http_status = 0;
	err->text[0] = '\0';
	err->nfields = 0;
}

int puq_error_setv(struct puq_error *err, int code, const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (!err)
		return -code;
	err->code = code;
	if (fmt)
		vsnprintf(err->text, sizeof(err->text), fmt, ap);
	else
		puq_strlcpy(err->text, puq_error_message(code), sizeof(err->text));
	return -code;
}

int puq_error_set(struct puq_error *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = puq_error_setv(err, code, fmt, ap);
	va_end(ap);
	return rc;
}

const char *puq_error_field_message(const struct puq_error *err, const char *field)
{
	if (!err)
		return NULL;
	for (size_t i = 0; i < err->nfields; i++)
		if (strcmp(err->fields[i].field, field) == 0)
			return err->fields[i].message;
	return NULL;
}

int puq_error_field(struct puq_error *err, const char *field, const char *fmt, ...)
{
	if (!err)
		return -PUQ_EVALIDATION;
	if (puq_error_category(err->code) != PUQ_CAT_VALIDATION || err->code == PUQ_OK) {
		err->code = PUQ_EVALIDATION;
		puq_strlcpy(err->text, "validation failed", sizeof(err->text));
	}
	if (puq_error_field_message(err, field))
		return -PUQ_EVALIDATION;

	char message[PUQ_FIELD_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);

	if (err->nfields == PUQ_FIELD_ERRORS_MAX) {
		size_t used = strlen(err->text);
		snprintf(err->text + used, sizeof(err->text) - used, "; %s: %s", field, message);
		return -PUQ_EVALIDATION;
	}
	struct puq_field_error *f = &err->fields[err->nfields++];
	puq_strlcpy(f->field, field, sizeof(f->field));
	puq_strlcpy(f->message, message, sizeof(f->message));
	/* The summary text names the problem, so a log line alone says what was wrong. */
	if (err->nfields == 1)
		snprintf(err->text, sizeof(err->text), "validation failed: %s: %s", f->field,
			f->message);
	else
		snprintf(err->text, sizeof(err->text), "validation failed in %zu fields",
			err->nfields);
	return -PUQ_EVALIDATION;
}

void puq_error_prefix(struct puq_error *err, const char *fmt, ...)
{
	if (!err)
		return;
	char prefix[PUQ_ERROR_TEXT_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t plen = strlen(prefix);
	memcpy(prefix + plen, ": ", 3);
	plen += 2;
	/* Shift the old text right, dropping its tail if the result would not fit. */
	size_t tlen = strnlen(err->text, sizeof(err->text) - 1);
	if (plen + tlen > sizeof(err->text) - 1)
		tlen = sizeof(err->text) - 1 - plen;
	memmove(err->text + plen, err->text, tlen);
	memcpy(err->text, prefix, plen);
	err->text[plen + tlen] = '\0';
}

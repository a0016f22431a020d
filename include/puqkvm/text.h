/*
 * Text the module can keep. Every value an admin, a client or WHMCS hands the engine as
 * free text ends up in a column of the module's tables, which use the WHMCS database's
 * character set - usually utf8 (three bytes at most per character). A value that held a
 * NUL byte would be cut short unseen on its way through C strings, and bytes that are not
 * UTF-8 or a character beyond U+FFFF would make the database refuse the whole statement;
 * such a value is refused up front instead, as a field error, and what is accepted is
 * stored and read back byte for byte.
 */
#ifndef PUQKVM_TEXT_H
#define PUQKVM_TEXT_H

#include <stddef.h>

/*
 * Why the len bytes at s cannot be kept as text (a static message to put after the
 * field's name, e.g. "must not contain a NUL byte"), or NULL when they can.
 */
const char *puq_text_problem(const char *s, size_t len);

#endif

/*
 * workloads/textio.h - the one line reader of every trace format, and the
 * text rules they share.
 *
 * Input (base/infile.h): a file, "-" for standard input, a FIFO or a
 * character device, each read with the same limits; compressed input
 * (gzip, xz, zstd, bzip2) is recognised by its magic bytes and
 * decompressed as it streams (workloads/decompress.h), whatever its name.
 *
 * SPEC "Input rules / Text": UTF-8 only (invalid, overlong, surrogate and
 * NUL bytes are errors with their line and column), a byte-order mark at
 * the start is skipped and does not shift lines or columns, CRLF and a last
 * line without a newline are accepted, a line longer than 1 MiB is an
 * error.  Lines are read one at a time into one reusable buffer, so a
 * reader's memory does not grow with the length of the file.
 *
 * Two errors end the reading, because what follows them is not text: a
 * line longer than 1 MiB (so /dev/zero or a binary file ends after 1 MiB,
 * not never) and a NUL byte.  After any other bad line the next call goes
 * on with the line after it.
 *
 * Numbers: decimal with an optional fraction and exponent
 * ("12", "-1", "0.5", "1e3", ".5", "5."); NaN, infinities, hex floats,
 * values that overflow a double, leading or trailing garbage and empty
 * fields are errors.
 */
#ifndef WORKLOADS_TEXTIO_H
#define WORKLOADS_TEXTIO_H

#include <stdbool.h>
#include <stdio.h>

#include "base/error.h"
#include "base/infile.h"

#define TEXTIO_LINE_MAX (1024L * 1024L) /* bytes, without the line end */
#define TEXTIO_CHUNK 65536              /* bytes read (and decompressed) at a time */

struct decomp;

/* A file read line by line.  Owned by the format's private state; opened
 * by textio_open and released by textio_close (which is safe on a reader
 * that failed to open or was never opened, if it was zeroed). */
struct textio {
    int fd;             /* -1 when closed */
    char name[512];     /* file as the user named it (DIR/MEMBER for members) */
    enum infile_kind kind;
    const char *compression;   /* "gzip", "xz", "zstd", "bzip2"; NULL = plain text */
    struct decomp *codec;      /* its decoder (owned), NULL for plain text */
    unsigned char *raw;        /* bytes read from fd, not yet decoded (compressed input) */
    size_t raw_len, raw_pos;
    bool raw_eof;
    unsigned char *data;       /* text not yet split into lines */
    size_t data_len, data_pos;
    char *buf;          /* the current line, NUL-terminated, owned */
    size_t cap;         /* bytes allocated in buf */
    size_t len;         /* bytes in the current line (no CR/LF) */
    long line;          /* 1-based number of the current line, 0 before the first */
    long long bytes;    /* text bytes read so far (after decompression), BOM included */
    bool eof;
};

/* Open path for reading ("-" = standard input, shown as "<stdin>");
 * display is the name used in messages (NULL = path).  Returns 0, or
 * SIM_EINVAL for a path that cannot be opened as a file ("PATH: reason"),
 * SIM_EIO if it cannot be read. */
int textio_open(struct textio *t, const char *path, const char *display,
                struct sim_error *err);
void textio_close(struct textio *t);

/* Read the next line into t->buf / t->len (line end removed).  Returns 1
 * for a line, 0 at the end of the file, SIM_EINVAL for a line that breaks
 * the text rules (the line is consumed: the next call reads the line
 * after it, or returns 0 after a line too long or a NUL byte) or for
 * corrupt compressed data (then 0 follows), SIM_EIO for a read error. */
int textio_next(struct textio *t, struct sim_error *err);

/* True if the file had no bytes at all (valid after textio_next returned 0). */
static inline bool textio_was_empty(const struct textio *t) { return t->bytes == 0; }

/* Check that s[0..len) is valid UTF-8 without NUL bytes.  Returns true,
 * or false with *bad set to the 0-based offset of the first bad byte and
 * *why to a short reason. */
bool textio_utf8_ok(const char *s, size_t len, size_t *bad, const char **why);

/*
 * Strict number parsing of a whole NUL-terminated field.  They return
 * true, or false with *why set to a reason ready for a message
 * ("empty field", "not a number", "trailing garbage after the number",
 * "number out of range", ...).
 */
bool textio_parse_double(const char *s, double *out, const char **why);
/* A number with an integral value ("4", "4.0", "4e2"), in [lo, hi]. */
bool textio_parse_long(const char *s, long lo, long hi, long *out, const char **why);

/* Trim ASCII spaces and tabs at both ends of s in place; returns s moved
 * forward past the leading blanks. */
char *textio_trim(char *s);

/* Whether path names a directory. */
bool textio_is_dir(const char *path);
/* The regular files of directory path whose names do not start with '.',
 * sorted by strcmp (directory order is not stable).  *names is an array
 * of *n strings, owned by the caller: free with textio_free_names.  What
 * is left out (hidden files, subdirectories, FIFOs and devices, broken
 * links and symbolic-link loops, unreadable entries) is counted and named
 * in skipped ("" when nothing was), if skipped is not NULL.  Returns 0, or
 * SIM_EINVAL if path is not a directory that can be read. */
int textio_list_dir(const char *path, char ***names, size_t *n, char *skipped,
                    size_t skipped_len, struct sim_error *err);
void textio_free_names(char **names, size_t n);
/* "DIR/MEMBER" as messages name a member of a directory; xmalloc'd. */
char *textio_member(const char *dir, const char *name);
/* Length of name without a compression suffix (.gz, .xz, .zst, .bz2):
 * "kth.swf.gz" -> 7, so that the format comes from the inner name. */
size_t textio_strip_compression(const char *name);

#endif /* WORKLOADS_TEXTIO_H */

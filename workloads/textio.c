/*
 * workloads/textio.c - see textio.h.
 *
 * Bytes come from the descriptor in chunks of TEXTIO_CHUNK (through the
 * decoder when the input is compressed) and lines are cut out of the
 * chunk with memchr into one buffer that grows to the longest line seen
 * (at most TEXTIO_LINE_MAX + 2 bytes); reading stops at a longer line,
 * so a hostile or endless input cannot make us allocate more than about
 * 1 MiB or read forever.  Memory: two chunks and the line buffer, plus
 * the decoder's window for compressed input.
 */
#include "workloads/textio.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <dirent.h>
#include <sys/stat.h>

#include "base/xalloc.h"
#include "workloads/decompress.h"

int textio_open(struct textio *t, const char *path, const char *display,
                struct sim_error *err)
{
    memset(t, 0, sizeof *t);
    t->fd = -1;
    const char *name = display ? display : path;
    snprintf(t->name, sizeof t->name, "%s", strcmp(name, "-") == 0 ? "<stdin>" : name);
    int rc = infile_open(path, t->name, INFILE_ALLOW_STDIN, &t->fd, &t->kind, err);
    if (rc < 0)
        return rc;
    t->data = xmalloc(TEXTIO_CHUNK);
    /* The first bytes say whether the input is compressed; a pipe may
     * deliver them in several reads. */
    size_t n = 0;
    while (n < DECOMP_MAGIC_MAX) {
        long got = infile_read(t->fd, t->data + n, TEXTIO_CHUNK - n);
        if (got < 0) {
            rc = sim_error_set(err, errno == EISDIR ? SIM_EINVAL : SIM_EIO, t->name, 0, 0,
                               "cannot read: %s", strerror(errno));
            textio_close(t);
            return rc;
        }
        if (got == 0) {
            t->raw_eof = true;
            break;
        }
        n += (size_t)got;
    }
    t->compression = decomp_detect(t->data, n);
    if (t->compression) {
        t->codec = decomp_new(t->compression);
        t->raw = t->data;
        t->raw_len = n;
        t->data = xmalloc(TEXTIO_CHUNK);
    } else {
        t->data_len = n;
    }
    return 0;
}

void textio_close(struct textio *t)
{
    if (t->fd >= 0)
        close(t->fd);
    decomp_free(t->codec);
    free(t->raw);
    free(t->data);
    free(t->buf);
    t->fd = -1;
    t->codec = NULL;
    t->raw = t->data = NULL;
    t->buf = NULL;
    t->cap = 0;
}

/* Make text available at t->data + t->data_pos: 1, 0 at the end of the
 * input, or an error (corrupt compressed data: SIM_EINVAL). */
static int fill(struct textio *t, struct sim_error *err)
{
    if (t->data_pos < t->data_len)
        return 1;
    t->data_pos = t->data_len = 0;
    if (!t->codec) {
        if (t->raw_eof)
            return 0;
        long got = infile_read(t->fd, t->data, TEXTIO_CHUNK);
        if (got < 0)
            return sim_error_set(err, SIM_EIO, t->name, t->line + 1, 0, "read error: %s",
                                 strerror(errno));
        if (got == 0) {
            t->raw_eof = true;
            return 0;
        }
        t->data_len = (size_t)got;
        return 1;
    }
    for (;;) {
        if (t->raw_pos == t->raw_len && !t->raw_eof) {
            long got = infile_read(t->fd, t->raw, TEXTIO_CHUNK);
            if (got < 0)
                return sim_error_set(err, SIM_EIO, t->name, t->line + 1, 0, "read error: %s",
                                     strerror(errno));
            t->raw_pos = 0;
            t->raw_len = got > 0 ? (size_t)got : 0;
            t->raw_eof = got == 0;
        }
        size_t before = t->raw_pos;
        const char *why = "corrupt compressed data";
        int rc = decomp_run(t->codec, t->raw, t->raw_len, &t->raw_pos, t->data, TEXTIO_CHUNK,
                            &t->data_len, t->raw_eof, &why);
        if (rc < 0 || (rc > 0 && t->data_len == 0 && t->raw_pos == before &&
                       t->raw_pos < t->raw_len))
            return sim_error_set(err, SIM_EINVAL, t->name, t->line + 1, 0,
                                 "%s, after %lld bytes of text", why, t->bytes);
        if (t->data_len > 0)
            return 1;
        if (rc == 0)
            return 0;
    }
}

bool textio_utf8_ok(const char *s, size_t len, size_t *bad, const char **why)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c == 0) {
            *bad = i;
            *why = "NUL byte";
            return false;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned cp;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            cp = c & 0x07;
        } else {
            *bad = i;
            *why = (c == 0xc0 || c == 0xc1) ? "overlong UTF-8 sequence" : "invalid UTF-8 byte";
            return false;
        }
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= len || (p[i + k] & 0xc0) != 0x80) {
                *bad = i;
                *why = "truncated UTF-8 sequence";
                return false;
            }
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000)) {
            *bad = i;
            *why = "overlong UTF-8 sequence";
            return false;
        }
        if (cp >= 0xd800 && cp <= 0xdfff) {
            *bad = i;
            *why = "UTF-16 surrogate encoded in UTF-8";
            return false;
        }
        if (cp > 0x10ffff) {
            *bad = i;
            *why = "code point above U+10FFFF";
            return false;
        }
        i += need + 1;
    }
    return true;
}

int textio_next(struct textio *t, struct sim_error *err)
{
    if (t->eof)
        return 0;
    size_t len = 0;
    bool too_long = false, got_any = false, newline = false;
    /* Store at most LINE_MAX + 1 bytes: the extra one is a CR that a CRLF
     * line end may leave, or the proof that the line is too long. */
    const size_t keep = (size_t)TEXTIO_LINE_MAX + 1;
    while (!newline && !too_long) {
        int rc = fill(t, err);
        if (rc < 0) {
            t->eof = true;   /* a read error or corrupt data: nothing sound follows */
            return rc;
        }
        if (rc == 0)
            break;
        const unsigned char *p = t->data + t->data_pos;
        size_t avail = t->data_len - t->data_pos;
        const unsigned char *nl = memchr(p, '\n', avail);
        size_t seg = nl ? (size_t)(nl - p) : avail;
        size_t take = seg;
        if (len + take > keep) {
            take = keep - len;
            too_long = true;   /* the rest of the line is not read: reading stops */
        }
        if (take > 0) {
            if (len + take + 2 > t->cap)
                t->buf = xgrow(t->buf, &t->cap, len + take + 2, 1);
            memcpy(t->buf + len, p, take);
            len += take;
        }
        got_any = true;
        newline = nl != NULL && !too_long;
        size_t used = too_long ? take : seg + (nl ? 1 : 0);
        t->data_pos += used;
        t->bytes += (long long)used;
    }
    if (!newline && !too_long) {
        t->eof = true;
        if (!got_any)
            return 0;
    }
    if (!t->buf)
        t->buf = xgrow(t->buf, &t->cap, 1, 1);
    t->line++;
    if (len > 0 && t->buf[len - 1] == '\r')
        len--;
    if (t->line == 1 && len >= 3 && memcmp(t->buf, "\xef\xbb\xbf", 3) == 0) {
        /* A BOM is not part of the text: columns start after it. */
        memmove(t->buf, t->buf + 3, len - 3);
        len -= 3;
    }
    t->buf[len] = '\0';
    t->len = len;
    if (too_long || len > (size_t)TEXTIO_LINE_MAX) {
        t->len = 0;
        t->buf[0] = '\0';
        t->eof = true;
        return sim_error_set(err, SIM_EINVAL, t->name, t->line, TEXTIO_LINE_MAX + 1,
                             "line longer than 1 MiB (%ld bytes): not a text file of lines; "
                             "reading stops here", TEXTIO_LINE_MAX);
    }
    size_t bad;
    const char *why;
    if (!textio_utf8_ok(t->buf, len, &bad, &why)) {
        bool nul = t->buf[bad] == '\0';
        t->len = 0;
        t->buf[0] = '\0';
        if (nul) {
            t->eof = true;
            return sim_error_set(err, SIM_EINVAL, t->name, t->line, (long)bad + 1,
                                 "NUL byte: the file must be UTF-8 text (a binary file?); "
                                 "reading stops here");
        }
        return sim_error_set(err, SIM_EINVAL, t->name, t->line, (long)bad + 1,
                             "%s: the file must be UTF-8 text", why);
    }
    return 1;
}

char *textio_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Length of the longest prefix of s that is a decimal number by our
 * grammar, 0 if none. */
static size_t number_prefix(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (isdigit((unsigned char)s[i])) {
        i++;
        digits++;
    }
    if (s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i])) {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (isdigit((unsigned char)s[j])) {
            while (isdigit((unsigned char)s[j]))
                j++;
            i = j;
        }
    }
    return i;
}

bool textio_parse_double(const char *s, double *out, const char **why)
{
    if (!*s) {
        *why = "empty field";
        return false;
    }
    size_t n = number_prefix(s);
    if (n == 0) {
        *why = "not a decimal number";
        return false;
    }
    if (s[n] != '\0') {
        *why = "trailing garbage after the number";
        return false;
    }
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if ((size_t)(end - s) != n) {
        /* strtod follows the locale; the grammar above is the contract. */
        *why = "not a decimal number";
        return false;
    }
    if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0)) {
        *why = "number out of range";
        return false;
    }
    *out = v;
    return true;
}

bool textio_parse_long(const char *s, long lo, long hi, long *out, const char **why)
{
    double v;
    if (!textio_parse_double(s, &v, why))
        return false;
    if (v != floor(v)) {
        *why = "not a whole number";
        return false;
    }
    if (v < (double)lo || v > (double)hi) {
        *why = "number out of range";
        return false;
    }
    *out = (long)v;
    return true;
}

bool textio_is_dir(const char *path) { return infile_is_dir(path); }

static int names_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *textio_member(const char *dir, const char *name)
{
    size_t n = strlen(dir);
    bool slash = n > 0 && dir[n - 1] == '/';
    char *s = xmalloc(n + strlen(name) + 2);
    sprintf(s, "%s%s%s", dir, slash ? "" : "/", name);
    return s;
}

size_t textio_strip_compression(const char *name)
{
    static const char *const suffixes[] = {".gz", ".xz", ".zst", ".bz2"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && strcasecmp(name + n - k, suffixes[i]) == 0)
            return n - k;
    }
    return n;
}

/* What a directory listing leaves out, by kind. */
enum skip_kind { SKIP_HIDDEN, SKIP_DIR, SKIP_SPECIAL, SKIP_LOOP, SKIP_BROKEN, SKIP_OTHER, SKIP_N };

static void skip_note(const long count[SKIP_N], char first[SKIP_N][64], char *out, size_t len)
{
    static const char *const what[SKIP_N][2] = {
        {"hidden file", "hidden files"},
        {"subdirectory", "subdirectories"},
        {"FIFO, socket or device", "FIFOs, sockets or devices"},
        {"symbolic-link loop", "symbolic-link loops"},
        {"broken symbolic link", "broken symbolic links"},
        {"entry that cannot be examined", "entries that cannot be examined"},
    };
    size_t used = 0;
    out[0] = '\0';
    for (int k = 0; k < SKIP_N; k++) {
        if (!count[k] || used >= len)
            continue;
        used += (size_t)snprintf(out + used, len - used, "%s%ld %s ('%s'%s)", used ? ", " : "",
                                 count[k], what[k][count[k] > 1], first[k],
                                 count[k] > 1 ? ", ..." : "");
    }
}

int textio_list_dir(const char *path, char ***names, size_t *n, char *skipped,
                    size_t skipped_len, struct sim_error *err)
{
    *names = NULL;
    *n = 0;
    if (skipped && skipped_len)
        skipped[0] = '\0';
    int rc = infile_check_dir(path, NULL, true, err);
    if (rc < 0)
        return rc;
    DIR *d = opendir(path);
    if (!d)
        return sim_error_set(err, SIM_EINVAL, path, 0, 0, "cannot read the directory: %s",
                             strerror(errno));
    size_t cap = 0;
    long count[SKIP_N] = {0};
    char first[SKIP_N][64] = {{0}};
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        int kind = -1;
        if (e->d_name[0] == '.') {
            kind = SKIP_HIDDEN;
        } else {
            char *full = textio_member(path, e->d_name);
            struct stat st;
            if (stat(full, &st) < 0)
                kind = errno == ELOOP ? SKIP_LOOP : errno == ENOENT ? SKIP_BROKEN : SKIP_OTHER;
            else if (S_ISDIR(st.st_mode))
                kind = SKIP_DIR;
            else if (!S_ISREG(st.st_mode))
                kind = SKIP_SPECIAL;
            free(full);
        }
        if (kind >= 0) {
            if (count[kind]++ == 0)
                snprintf(first[kind], sizeof first[kind], "%.60s", e->d_name);
            continue;
        }
        *names = xgrow(*names, &cap, *n + 1, sizeof **names);
        (*names)[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof **names, names_cmp);
    if (skipped && skipped_len)
        skip_note(count, first, skipped, skipped_len);
    return 0;
}

void textio_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

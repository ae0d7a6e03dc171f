/*
 * workloads/textio.c - see textio.h.
 *
 * Lines are read with getc_unlocked into one buffer that grows to the
 * longest line seen (at most TEXTIO_LINE_MAX + 2 bytes); a longer line is
 * consumed without being stored, so a hostile file cannot make us
 * allocate more than about 1 MiB.
 */
#include "workloads/textio.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>

#include "base/xalloc.h"

int textio_open(struct textio *t, const char *path, const char *display,
                struct sim_error *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", display ? display : path);
    t->fp = fopen(path, "rb");
    if (!t->fp)
        return sim_error_set(err, SIM_EIO, t->name, 0, 0, "cannot open: %s", strerror(errno));
    return 0;
}

void textio_close(struct textio *t)
{
    if (t->fp)
        fclose(t->fp);
    free(t->buf);
    t->fp = NULL;
    t->buf = NULL;
    t->cap = 0;
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
    bool too_long = false, got_any = false;
    int c;
    /* Store at most LINE_MAX + 1 bytes: the extra one is a CR that a CRLF
     * line end may leave, or the proof that the line is too long. */
    const size_t keep = (size_t)TEXTIO_LINE_MAX + 1;
    for (;;) {
        c = getc_unlocked(t->fp);
        if (c == EOF)
            break;
        t->bytes++;
        got_any = true;
        if (c == '\n')
            break;
        if (len < keep) {
            if (len + 2 > t->cap)
                t->buf = xgrow(t->buf, &t->cap, len + 2, 1);
            t->buf[len++] = (char)c;
        } else {
            too_long = true;
        }
    }
    if (c == EOF) {
        if (ferror(t->fp))
            return sim_error_set(err, SIM_EIO, t->name, t->line + 1, 0, "read error: %s",
                                 strerror(errno));
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
        return sim_error_set(err, SIM_EINVAL, t->name, t->line, TEXTIO_LINE_MAX + 1,
                             "line longer than 1 MiB (%ld bytes)", TEXTIO_LINE_MAX);
    }
    size_t bad;
    const char *why;
    if (!textio_utf8_ok(t->buf, len, &bad, &why)) {
        t->len = 0;
        t->buf[0] = '\0';
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

bool textio_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

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

int textio_list_dir(const char *path, char ***names, size_t *n, struct sim_error *err)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(path);
    if (!d)
        return sim_error_set(err, SIM_EIO, path, 0, 0, "cannot open directory: %s",
                             strerror(errno));
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *full = textio_member(path, e->d_name);
        struct stat st;
        bool reg = stat(full, &st) == 0 && S_ISREG(st.st_mode);
        free(full);
        if (!reg)
            continue;
        *names = xgrow(*names, &cap, *n + 1, sizeof **names);
        (*names)[(*n)++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof **names, names_cmp);
    return 0;
}

void textio_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

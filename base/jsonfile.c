/*
 * base/jsonfile.c - see jsonfile.h.
 *
 * The locator walks the text of a document Jansson has already accepted,
 * so it can be lenient: it follows the key path one level at a time and
 * skips every other value by counting brackets outside strings, without
 * recursion (a deeply nested file cannot exhaust the stack).
 */
#include "base/jsonfile.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/infile.h"
#include "base/xalloc.h"

int json_file_load(struct json_file *f, const char *path, size_t flags, struct sim_error *err)
{
    memset(f, 0, sizeof *f);
    char *text;
    size_t len;
    int rc = infile_slurp(path, JSON_FILE_MAX, &text, &len, err);
    if (rc < 0)
        return rc;
    if (len == 0) {
        free(text);
        struct stat st;
        bool fifo = stat(path, &st) == 0 && S_ISFIFO(st.st_mode);
        return sim_error_set(err, SIM_EINVAL, path, 0, 0, "empty file (a JSON document is "
                             "expected)%s", fifo ? "; a FIFO is read only while something "
                             "writes to it" : "");
    }
    json_error_t je;
    json_t *root = json_loadb(text, len, flags, &je);
    if (!root) {
        free(text);
        return sim_error_set(err, SIM_EINVAL, path, je.line > 0 ? je.line : 0,
                             je.column > 0 ? je.column : 0, "bad JSON: %s", je.text);
    }
    f->path = xstrdup(path);
    f->text = text;
    f->len = len;
    f->root = root;
    return SIM_OK;
}

void json_file_free(struct json_file *f)
{
    json_decref(f->root);
    free(f->text);
    free(f->path);
    memset(f, 0, sizeof *f);
}

/* ---- the locator ---- */

struct scan {
    const char *s;
    size_t n, i;
};

static void skip_ws(struct scan *c)
{
    while (c->i < c->n && strchr(" \t\r\n", c->s[c->i]) && c->s[c->i])
        c->i++;
}

/* Skip a string starting at its opening quote. */
static void skip_string(struct scan *c)
{
    for (c->i++; c->i < c->n; c->i++) {
        if (c->s[c->i] == '\\')
            c->i++;
        else if (c->s[c->i] == '"') {
            c->i++;
            return;
        }
    }
}

/* Skip one value of any kind. */
static void skip_value(struct scan *c)
{
    int depth = 0;
    while (c->i < c->n) {
        char ch = c->s[c->i];
        if (ch == '"') {
            skip_string(c);
            if (depth == 0)
                return;
            continue;
        }
        if (ch == '{' || ch == '[')
            depth++;
        else if (ch == '}' || ch == ']') {
            if (depth == 0)
                return;   /* the end of the container around a scalar */
            if (--depth == 0) {
                c->i++;
                return;
            }
        } else if (depth == 0 && (ch == ',' || ch == ' ' || ch == '\t' || ch == '\r' ||
                                  ch == '\n')) {
            return;
        }
        c->i++;
    }
}

static size_t put_utf8(char *out, unsigned long cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* The four hex digits at s. */
static unsigned long hex4(const char *s)
{
    char d[5] = {s[0], s[1], s[2], s[3], '\0'};
    return strtoul(d, NULL, 16);
}

/* The character a one-letter escape stands for ("\\n" -> newline). */
static char unescape(char e)
{
    switch (e) {
    case 'b': return '\b';
    case 'f': return '\f';
    case 'n': return '\n';
    case 'r': return '\r';
    case 't': return '\t';
    default: return e;   /* '"', '\\', '/' stand for themselves */
    }
}

/* Whether the string at c (its opening quote) decodes to key[0..klen);
 * c moves past it. */
static bool string_equals(struct scan *c, const char *key, size_t klen)
{
    size_t k = 0;
    bool same = true;
    for (c->i++; c->i < c->n; c->i++) {
        char ch = c->s[c->i];
        char buf[8];
        size_t blen = 1;
        if (ch == '"') {
            c->i++;
            return same && k == klen;
        }
        buf[0] = ch;
        if (ch == '\\' && c->i + 1 < c->n) {
            char e = c->s[++c->i];
            if (e == 'u' && c->i + 4 < c->n) {
                unsigned long cp = hex4(c->s + c->i + 1);
                c->i += 4;
                if (cp >= 0xd800 && cp < 0xdc00 && c->i + 6 < c->n && c->s[c->i + 1] == '\\' &&
                    c->s[c->i + 2] == 'u') {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (hex4(c->s + c->i + 3) - 0xdc00);
                    c->i += 6;
                }
                blen = put_utf8(buf, cp);
            } else {
                buf[0] = unescape(e);
            }
        }
        if (k + blen > klen || memcmp(key + k, buf, blen) != 0)
            same = false;
        k += blen;
    }
    return false;
}

/* Inside the container that starts at c (after its bracket), move to the
 * value of member seg[0..slen).  False if it is not there. */
static bool find_member(struct scan *c, bool object, const char *seg, size_t slen,
                        size_t *key_at)
{
    long want = -1;
    if (!object) {
        char *end;
        char num[32];
        if (slen == 0 || slen >= sizeof num)
            return false;
        memcpy(num, seg, slen);
        num[slen] = '\0';
        want = strtol(num, &end, 10);
        if (*end || want < 0)
            return false;
    }
    for (long index = 0;; index++) {
        skip_ws(c);
        if (c->i >= c->n || c->s[c->i] == '}' || c->s[c->i] == ']')
            return false;
        bool match;
        *key_at = c->i;
        if (object) {
            if (c->s[c->i] != '"')
                return false;
            match = string_equals(c, seg, slen);
            skip_ws(c);
            if (c->i >= c->n || c->s[c->i] != ':')
                return false;
            c->i++;
            skip_ws(c);
        } else {
            match = index == want;
        }
        if (match)
            return true;
        skip_value(c);
        skip_ws(c);
        if (c->i < c->n && c->s[c->i] == ',')
            c->i++;
    }
}

/* The error of json_file_error and json_file_key_error. */
static int error_at(const struct json_file *f, const char *where, bool key,
                    struct sim_error *err, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

bool json_text_locate(const char *text, size_t len, const char *where, bool key, long *line,
                      long *col)
{
    struct scan c = {text, len, 0};
    skip_ws(&c);
    size_t key_at = c.i;
    const char *p = where;
    while (*p) {
        size_t slen = strcspn(p, ".");
        if (c.i >= c.n || (c.s[c.i] != '{' && c.s[c.i] != '['))
            return false;
        bool object = c.s[c.i] == '{';
        c.i++;
        if (!find_member(&c, object, p, slen, &key_at))
            return false;
        p += slen;
        if (*p == '.')
            p++;
    }
    if (c.i >= c.n)
        return false;
    size_t at = key ? key_at : c.i;
    long l = 1, k = 1;
    for (size_t i = 0; i < at; i++) {
        if (text[i] == '\n') {
            l++;
            k = 1;
        } else if (((unsigned char)text[i] & 0xc0) != 0x80) {
            k++;
        }
    }
    *line = l;
    *col = k;
    return true;
}

int json_file_error(const struct json_file *f, const char *where, struct sim_error *err,
                    const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = error_at(f, where, false, err, fmt, ap);
    va_end(ap);
    return rc;
}

int json_file_key_error(const struct json_file *f, const char *where, struct sim_error *err,
                        const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = error_at(f, where, true, err, fmt, ap);
    va_end(ap);
    return rc;
}

static int error_at(const struct json_file *f, const char *where, bool key,
                    struct sim_error *err, const char *fmt, va_list ap)
{
    char msg[480];
    vsnprintf(msg, sizeof msg, fmt, ap);
    long line = 0, col = 0;
    if (!f->text || !json_text_locate(f->text, f->len, where, key, &line, &col))
        line = col = 0;
    return sim_error_set(err, SIM_EINVAL, f->path, line, col, "%s", msg);
}

/*
 * workloads/decompress.c - see decompress.h.
 *
 * Each library is driven through one step function of the same shape:
 * consume what input it can, produce what output fits, and say whether a
 * stream (a gzip member, an xz stream, a bzip2 stream; zstd frames are
 * handled inside the library) has ended.  decomp_run loops over it,
 * starting the next stream when input follows the end of one.
 */
#include "workloads/decompress.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "base/xalloc.h"

enum kind { GZIP, XZ, ZSTD, BZIP2 };

struct decomp {
    enum kind kind;
    bool started;       /* the current stream's decoder is initialised */
    bool stream_end;    /* the last stream ended; more input starts another */
    z_stream z;
    lzma_stream x;
    ZSTD_DStream *zs;
    size_t zs_hint;     /* ZSTD_decompressStream's last return: 0 = frame complete */
    bool zs_any;        /* it was called at least once */
    bz_stream b;
    char msg[160];
    const char *pending;   /* an error met after some output: reported on the next call */
};

const char *decomp_detect(const unsigned char *p, size_t n)
{
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
        return "gzip";
    if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
        return "xz";
    if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
        return "zstd";
    if (n >= 4 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h' && p[3] >= '1' && p[3] <= '9')
        return "bzip2";
    return NULL;
}

struct decomp *decomp_new(const char *name)
{
    struct decomp *d = xcalloc(1, sizeof *d);
    if (strcmp(name, "gzip") == 0)
        d->kind = GZIP;
    else if (strcmp(name, "xz") == 0)
        d->kind = XZ;
    else if (strcmp(name, "zstd") == 0)
        d->kind = ZSTD;
    else
        d->kind = BZIP2;
    d->x = (lzma_stream)LZMA_STREAM_INIT;
    return d;
}

static void stream_end(struct decomp *d)
{
    if (!d->started)
        return;
    switch (d->kind) {
    case GZIP: inflateEnd(&d->z); break;
    case XZ: lzma_end(&d->x); break;
    case ZSTD: break;   /* one DStream for every frame */
    case BZIP2: BZ2_bzDecompressEnd(&d->b); break;
    }
    d->started = false;
}

void decomp_free(struct decomp *d)
{
    if (!d)
        return;
    stream_end(d);
    if (d->zs)
        ZSTD_freeDStream(d->zs);
    free(d);
}

enum step { STEP_OK, STEP_END, STEP_STUCK, STEP_ERROR };

static enum step start(struct decomp *d, const char **why)
{
    int ok = 1;
    switch (d->kind) {
    case GZIP:
        memset(&d->z, 0, sizeof d->z);
        ok = inflateInit2(&d->z, 15 + 16) == Z_OK;   /* 16: gzip wrapper only */
        break;
    case XZ:
        d->x = (lzma_stream)LZMA_STREAM_INIT;
        ok = lzma_stream_decoder(&d->x, DECOMP_MEMLIMIT, LZMA_CONCATENATED) == LZMA_OK;
        break;
    case ZSTD:
        if (!d->zs)
            d->zs = ZSTD_createDStream();
        ok = d->zs && !ZSTD_isError(ZSTD_initDStream(d->zs));
        break;
    case BZIP2:
        memset(&d->b, 0, sizeof d->b);
        ok = BZ2_bzDecompressInit(&d->b, 0, 0) == BZ_OK;
        break;
    }
    if (!ok) {
        *why = "cannot start the decompressor (out of memory?)";
        return STEP_ERROR;
    }
    d->started = true;
    return STEP_OK;
}

/* One call of the library on in[*ip..il) -> out[*op..oc). */
static enum step step(struct decomp *d, const unsigned char *in, size_t il, size_t *ip,
                      unsigned char *out, size_t oc, size_t *op, bool in_eof, const char **why)
{
    size_t in0 = *ip, out0 = *op;
    enum step st = STEP_OK;
    switch (d->kind) {
    case GZIP: {
        d->z.next_in = (Bytef *)(uintptr_t)(in + *ip);
        d->z.avail_in = (uInt)(il - *ip);
        d->z.next_out = out + *op;
        d->z.avail_out = (uInt)(oc - *op);
        int rc = inflate(&d->z, Z_NO_FLUSH);
        *ip = il - d->z.avail_in;
        *op = oc - d->z.avail_out;
        if (rc == Z_STREAM_END)
            st = STEP_END;
        else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            snprintf(d->msg, sizeof d->msg, "corrupt gzip data (%s)",
                     d->z.msg ? d->z.msg : "zlib error");
            *why = d->msg;
            return STEP_ERROR;
        }
        break;
    }
    case XZ: {
        d->x.next_in = in + *ip;
        d->x.avail_in = il - *ip;
        d->x.next_out = out + *op;
        d->x.avail_out = oc - *op;
        lzma_ret rc = lzma_code(&d->x, in_eof ? LZMA_FINISH : LZMA_RUN);
        *ip = il - d->x.avail_in;
        *op = oc - d->x.avail_out;
        if (rc == LZMA_STREAM_END)
            st = STEP_END;
        else if (rc == LZMA_MEMLIMIT_ERROR) {
            *why = "the xz stream needs more than 1 GiB of memory to decompress";
            return STEP_ERROR;
        } else if (rc == LZMA_BUF_ERROR && in_eof && *ip == il) {
            *why = "unexpected end of the xz data (a truncated file?)";
            return STEP_ERROR;
        } else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR) {
            snprintf(d->msg, sizeof d->msg, "corrupt xz data (liblzma error %d%s)", (int)rc,
                     rc == LZMA_DATA_ERROR ? ", data error" : rc == LZMA_FORMAT_ERROR ?
                     ", not xz" : "");
            *why = d->msg;
            return STEP_ERROR;
        }
        break;
    }
    case ZSTD: {
        /* Between frames with no input left: the end, or wait for more.
         * (Called again there, the library would start a frame and ask
         * for its header.) */
        if (d->zs_any && d->zs_hint == 0 && *ip == il)
            return in_eof ? STEP_END : STEP_STUCK;
        d->zs_any = true;
        ZSTD_inBuffer ib = {in, il, *ip};
        ZSTD_outBuffer ob = {out, oc, *op};
        size_t rc = ZSTD_decompressStream(d->zs, &ob, &ib);
        *ip = ib.pos;
        *op = ob.pos;
        if (ZSTD_isError(rc)) {
            snprintf(d->msg, sizeof d->msg, "corrupt zstd data (%s)", ZSTD_getErrorName(rc));
            *why = d->msg;
            return STEP_ERROR;
        }
        d->zs_hint = rc;
        break;
    }
    case BZIP2: {
        d->b.next_in = (char *)(uintptr_t)(in + *ip);
        d->b.avail_in = (unsigned)(il - *ip);
        d->b.next_out = (char *)(out + *op);
        d->b.avail_out = (unsigned)(oc - *op);
        int rc = BZ2_bzDecompress(&d->b);
        *ip = il - d->b.avail_in;
        *op = oc - d->b.avail_out;
        if (rc == BZ_STREAM_END)
            st = STEP_END;
        else if (rc != BZ_OK) {
            snprintf(d->msg, sizeof d->msg, "corrupt bzip2 data (libbz2 error %d%s)", rc,
                     rc == BZ_DATA_ERROR ? ", data error" : rc == BZ_DATA_ERROR_MAGIC ?
                     ", not bzip2" : "");
            *why = d->msg;
            return STEP_ERROR;
        }
        break;
    }
    }
    if (st == STEP_OK && *ip == in0 && *op == out0)
        st = STEP_STUCK;
    return st;
}

/* The loop of decomp_run, without the deferral of errors. */
static int run(struct decomp *d, const unsigned char *in, size_t in_len, size_t *in_pos,
               unsigned char *out, size_t out_cap, size_t *out_pos, bool in_eof,
               const char **why)
{
    while (*out_pos < out_cap) {
        if (d->stream_end) {
            if (*in_pos == in_len)
                return in_eof ? 0 : 1;   /* the end, or another stream may follow */
            /* More input after the end of a stream: the next stream. */
            stream_end(d);
            d->stream_end = false;
        }
        if (!d->started && start(d, why) == STEP_ERROR)
            return -1;
        enum step st = step(d, in, in_len, in_pos, out, out_cap, out_pos, in_eof, why);
        if (st == STEP_ERROR)
            return -1;
        if (st == STEP_END) {
            d->stream_end = true;
            continue;
        }
        if (st == STEP_STUCK) {
            if (*in_pos < in_len || !in_eof)
                return 1;   /* needs more room or more input */
            static const char *const truncated[] = {
                [GZIP] = "unexpected end of the gzip data (a truncated file?)",
                [XZ] = "unexpected end of the xz data (a truncated file?)",
                [ZSTD] = "unexpected end of the zstd data (a truncated file?)",
                [BZIP2] = "unexpected end of the bzip2 data (a truncated file?)",
            };
            *why = truncated[d->kind];
            return -1;
        }
        if (*in_pos == in_len && !in_eof)
            return 1;
    }
    return 1;
}

int decomp_run(struct decomp *d, const unsigned char *in, size_t in_len, size_t *in_pos,
               unsigned char *out, size_t out_cap, size_t *out_pos, bool in_eof,
               const char **why)
{
    if (d->pending) {
        *why = d->pending;
        return -1;
    }
    size_t out0 = *out_pos;
    int rc = run(d, in, in_len, in_pos, out, out_cap, out_pos, in_eof, why);
    if (rc < 0 && *out_pos > out0) {
        /* The text decoded before the error is good: deliver it first. */
        d->pending = *why;
        return 1;
    }
    return rc;
}

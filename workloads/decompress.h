/*
 * workloads/decompress.h - streaming decompression of a trace, chosen by
 * the magic bytes at its start, never by its name: gzip (zlib), xz
 * (liblzma), zstd (libzstd) and bzip2 (libbz2), the forms the trace
 * archives ship (.swf.gz, .csv.gz, .xz, .zst, .bz2).
 *
 * A decoder turns a chunk of compressed input into a chunk of text; it
 * keeps only the library's own state (at most the stream's window: 32 KiB
 * for gzip, the dictionary for xz, capped at DECOMP_MEMLIMIT, 128 MiB for
 * zstd, 3.6 MiB for bzip2), so memory does not grow with the file.
 * Concatenated streams (pigz, pbzip2, `cat a.gz b.gz`) are read through.
 * A corrupt or truncated stream is an error with the library's reason.
 */
#ifndef WORKLOADS_DECOMPRESS_H
#define WORKLOADS_DECOMPRESS_H

#include <stdbool.h>
#include <stddef.h>

#define DECOMP_MAGIC_MAX 6            /* bytes needed to recognise every format */
#define DECOMP_MEMLIMIT (1ull << 30)  /* xz: more memory than this is refused */

struct decomp;

/* The compression whose magic bytes start buf[0..n) ("gzip", "xz",
 * "zstd", "bzip2"), or NULL for anything else (plain text). */
const char *decomp_detect(const unsigned char *buf, size_t n);

/* A decoder for a name decomp_detect returned. */
struct decomp *decomp_new(const char *name);
void decomp_free(struct decomp *d);

/* Decode input in[*in_pos..in_len) into out[*out_pos..out_cap), moving
 * both positions.  in_eof says no input follows in[in_len].  Returns 1
 * while there is more to come, 0 once the last stream has ended and no
 * input is left, -1 on corrupt or truncated data with *why set (a static
 * string or d's own buffer). */
int decomp_run(struct decomp *d, const unsigned char *in, size_t in_len, size_t *in_pos,
               unsigned char *out, size_t out_cap, size_t *out_pos, bool in_eof,
               const char **why);

#endif /* WORKLOADS_DECOMPRESS_H */

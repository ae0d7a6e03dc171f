/*
 * report/plots.c - see plots.h.
 *
 * Design: C decides what to draw (it knows the summary: the scheduler,
 * the hardware profile, whether there is any overhead at all) and writes
 * a plain gnuplot script for it; gnuplot draws.  A script is
 * self-contained apart from the CSV files of its directory: figures from
 * the summary (overhead) are inline datablocks.  One gnuplot process per
 * script draws both formats through a `do for [fmt in "png svg"]` loop,
 * so a user who edits a script changes both images.
 *
 * Text is drawn `noenhanced`: guest ids, scheduler and profile names
 * are shown as they are (an underscore would otherwise be a subscript).
 *
 * Cost: reading jobs.csv and timeline.csv once more after they are
 * written, O(n log n) for the CDF sort; 4 gnuplot processes of about
 * 0.1-0.3 s each.  Memory: the turnaround column (8 bytes per guest) and
 * the timeline columns, freed before the next plot.
 */
#include "report/plots.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "allocators/alloc.h"
#include "report/units.h"
#include "schedulers/sched.h"
#include "base/xalloc.h"
#include "report/outdir.h"
#include "report/output.h"

/* ---- CSV ---- */

/* Split line (modified in place) at commas into at most max fields;
 * returns the number of fields.  Past max, the commas are counted but
 * left in place (the caller can then rejoin the line and split it again
 * with more room).  Our CSV files have no quoted fields among the
 * numeric columns we read. */
static size_t csv_split(char *line, char **field, size_t max)
{
    size_t n = 0;
    char *s = line;
    for (;;) {
        if (n < max)
            field[n] = s;
        n++;
        char *c = strchr(s, ',');
        if (!c)
            break;
        if (n < max)
            *c = '\0';
        s = c + 1;
    }
    return n;
}

static void chomp(char *s)
{
    size_t len = strlen(s);
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        s[--len] = '\0';
}

int plots_csv_read(const char *path, const char *const *cols, size_t ncols, double **out,
                   size_t *nrows, struct sim_error *err)
{
    *out = NULL;
    *nrows = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return sim_error_set(err, SIM_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0, rowcap = 0, nf = 0, fieldcap = 16;
    char **field = xmalloc(fieldcap * sizeof *field);
    size_t *idx = xmalloc(ncols * sizeof *idx);
    double *rows = NULL;
    long lineno = 0;
    int rc = SIM_OK;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        chomp(line);
        if (lineno > 1 && line[0] == '\0')
            continue;
        nf = csv_split(line, field, fieldcap);
        if (nf > fieldcap) {
            /* More columns than room: grow and split again (the line was
             * cut at the commas, so rejoin it first). */
            for (size_t i = 0; i + 1 < fieldcap; i++)
                field[i][strlen(field[i])] = ',';
            fieldcap = nf;
            field = xrealloc(field, fieldcap * sizeof *field);
            nf = csv_split(line, field, fieldcap);
        }
        if (lineno == 1) {
            for (size_t c = 0; c < ncols; c++) {
                idx[c] = SIZE_MAX;
                for (size_t k = 0; k < nf; k++)
                    if (strcmp(field[k], cols[c]) == 0)
                        idx[c] = k;
                if (idx[c] == SIZE_MAX) {
                    rc = sim_error_set(err, SIM_EINVAL, path, 1, 0, "no column '%s' in the header",
                                       cols[c]);
                    goto done;
                }
            }
            continue;
        }
        rows = xgrow(rows, &rowcap, (*nrows + 1) * ncols, sizeof *rows);
        for (size_t c = 0; c < ncols; c++) {
            const char *text = idx[c] < nf ? field[idx[c]] : "";
            char *end;
            errno = 0;
            double v = strtod(text, &end);
            if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
                rc = sim_error_set(err, SIM_EINVAL, path, lineno, (long)idx[c] + 1,
                                   "column '%s': '%s' is not a number", cols[c], text);
                goto done;
            }
            rows[*nrows * ncols + c] = v;
        }
        (*nrows)++;
    }
    if (ferror(f))
        rc = sim_error_set(err, SIM_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    else if (lineno == 0)
        rc = sim_error_set(err, SIM_EINVAL, path, 0, 0, "empty file (no header line)");
done:
    fclose(f);
    free(line);
    free(field);
    free(idx);
    if (rc < 0) {
        free(rows);
        rows = NULL;
        *nrows = 0;
    }
    *out = rows;
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void plots_cdf_points(double *x, size_t n, FILE *f)
{
    if (n == 0)
        return;
    qsort(x, n, sizeof *x, cmp_double);
    if (n <= PLOTS_CDF_POINTS) {
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%.9g,%.9g\n", x[i], (double)(i + 1) / (double)n);
        return;
    }
    /* F(x_(i)) = (i+1)/n; the point with F >= k/K nearest below. */
    for (size_t k = 1; k <= PLOTS_CDF_POINTS; k++) {
        size_t i = (size_t)ceil((double)k / PLOTS_CDF_POINTS * (double)n) - 1;
        if (i >= n)
            i = n - 1;
        fprintf(f, "%.9g,%.9g\n", x[i], (double)(i + 1) / (double)n);
    }
}

/* ---- gnuplot scripts ---- */

void plots_gp_quote(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);   /* '' is a quote inside '...' */
        if (*s == '\n' || *s == '\r')
            continue;
        fputc(*s, f);
    }
    fputc('\'', f);
}

const char plots_gp_style[] =
    "# hvsim plot style\n"
    "set style data lines\n"
    "set grid lc rgb '#dddddd'\n"
    "set border lc rgb '#444444'\n"
    "set key opaque box lc rgb '#bbbbbb'\n"
    "set bars small\n"
    "set linetype 1 lc rgb '#1f77b4' lw 2 dt 1 pt 7 ps 1.2\n"
    "set linetype 2 lc rgb '#d62728' lw 2 dt 2 pt 5 ps 1.1\n"
    "set linetype 3 lc rgb '#2ca02c' lw 2 dt 4 pt 9 ps 1.4\n"
    "set linetype 4 lc rgb '#ff7f0e' lw 2 dt 5 pt 11 ps 1.4\n"
    "set linetype 5 lc rgb '#9467bd' lw 2 dt 3 pt 13 ps 1.4\n"
    "set linetype 6 lc rgb '#8c564b' lw 2 dt (12,4,2,4) pt 6 ps 1.2\n"
    "set linetype 7 lc rgb '#e377c2' lw 2 dt (16,8) pt 4 ps 1.2\n"
    "set linetype 8 lc rgb '#17becf' lw 2 dt (4,8) pt 8 ps 1.2\n"
    "set linetype cycle 8\n"
    "# end of the hvsim plot style\n";

void plots_gp_header(FILE *f, const char *name, const char *what)
{
    fprintf(f,
            "# %s.gp - %s\n"
            "# Written by hvsim " HVSIM_VERSION ".  Edit freely and draw again in this\n"
            "# directory with:  gnuplot %s.gp   (writes %s.png and %s.svg)\n"
            "if (!exists(\"out\")) out = '%s'\n"
            "set datafile separator comma\n",
            name, what, name, name, name, name);
    fputs(plots_gp_style, f);
}

void plots_gp_loop(FILE *f, int width, int height)
{
    fprintf(f,
            "do for [fmt in \"png svg\"] {\n"
            "    if (fmt eq \"png\") {\n"
            "        set terminal pngcairo size %d,%d noenhanced font 'DejaVu Sans,11' "
            "background rgb 'white'\n"
            "    } else {\n"
            "        set terminal svg size %d,%d noenhanced font 'DejaVu Sans,11' "
            "background rgb 'white'\n"
            "    }\n"
            "    set output out.'.'.fmt\n",
            width, height, width, height);
}

void plots_gp_begin(FILE *f, const char *name, const char *what, int width, int height)
{
    plots_gp_header(f, name, what);
    plots_gp_loop(f, width, height);
}

void plots_gp_end(FILE *f)
{
    fputs("    set output\n}\n", f);
}

static const char *str_at(const json_t *obj, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : dflt;
}

static double num_at(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

void plots_format_duration(double s, char *buf, size_t len)
{
    if (!isfinite(s) || s < 0 || s > SIM_SECONDS_MAX) {
        snprintf(buf, len, "-");
        return;
    }
    static const struct {
        const char *unit;
        sim_time_t ns;
    } units[] = {{"d", SIM_S(86400)}, {"h", SIM_S(3600)}, {"min", SIM_S(60)}, {"s", SIM_S(1)},
                 {"ms", SIM_MS(1)},   {"us", SIM_US(1)}, {"ns", 1}};
    sim_time_t t = sim_time_from_s(s);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (t % units[i].ns == 0 && (t != 0 || units[i].ns == SIM_S(1))) {
            snprintf(buf, len, "%" PRI_simtime "%s", t / units[i].ns, units[i].unit);
            return;
        }
    snprintf(buf, len, "%gs", s);
}

void plots_format_time(double s, char *buf, size_t len)
{
    if (!isfinite(s)) {
        snprintf(buf, len, "-");
        return;
    }
    const struct time_unit *u = time_unit_for_seconds(fabs(s), true);
    char num[64];
    number_format(num, sizeof num, s / u->seconds, 4);
    snprintf(buf, len, "%s %s", num, u->name);
}

double plots_gp_time_axis(FILE *f, const char *axis, double lo, double hi, bool log_ok,
                          const char *what)
{
    if (!(lo > 0) || !(hi > lo))
        log_ok = false;
    if (log_ok && hi / lo >= 20) {
        /* ticks at 1, 10 and 100 of each unit, and 1, 10 min and h */
        static const struct {
            double s;
            const char *label;
        } tics[] = {
            {1e-9, "1 ns"},   {1e-8, "10 ns"},  {1e-7, "100 ns"}, {1e-6, "1 us"},
            {1e-5, "10 us"},  {1e-4, "100 us"}, {1e-3, "1 ms"},   {1e-2, "10 ms"},
            {1e-1, "100 ms"}, {1, "1 s"},       {10, "10 s"},     {60, "1 min"},
            {600, "10 min"},  {3600, "1 h"},    {36000, "10 h"},  {86400, "1 d"},
            {864000, "10 d"}, {8640000, "100 d"}, {86400000, "1000 d"},
        };
        fprintf(f, "    set logscale %s\n    set %stics (", axis, axis);
        bool first = true;
        for (size_t i = 0; i < sizeof tics / sizeof tics[0]; i++)
            if (tics[i].s >= lo / 3 && tics[i].s <= hi * 3) {
                fprintf(f, "%s'%s' %g", first ? "" : ", ", tics[i].label, tics[i].s);
                first = false;
            }
        fprintf(f, ")\n    set m%stics 10\n    set %slabel '%s (log scale)'\n", axis, axis,
                what);
        return 1;
    }
    const struct time_unit *u = time_unit_for_seconds(hi, true);
    fprintf(f, "    unset logscale %s\n    set %stics autofreq\n    set %slabel '%s (%s)'\n",
            axis, axis, axis, what, u->name);
    return u->seconds;
}

/* The workload of a summary as a title shows it: a trace by its file
 * name, a synthetic spec without the keys at their defaults. */
static void workload_text(const char *w, char *buf, size_t len)
{
    if (!w) {
        snprintf(buf, len, "?");
        return;
    }
    if (strncmp(w, "generate ", 9) == 0) {
        static const char *const dflt[] = {"vcpus=det:1", "mem_mb=det:0", "priority=det:0"};
        size_t used = (size_t)snprintf(buf, len, "generate ");
        const char *p = w + 9;
        bool first = true;
        while (*p && used < len) {
            size_t n = strcspn(p, ",");
            bool skip = false;
            for (size_t i = 0; i < sizeof dflt / sizeof dflt[0]; i++)
                skip = skip || (strlen(dflt[i]) == n && strncmp(p, dflt[i], n) == 0);
            if (!skip) {
                used += (size_t)snprintf(buf + used, len - used, "%s%.*s", first ? "" : ",",
                                         (int)n, p);
                first = false;
            }
            p += n + (p[n] == ',');
        }
    } else {
        const char *slash = strrchr(w, '/');
        while (slash && slash[1] == '\0' && slash > w) {   /* a directory's trailing slash */
            const char *q = slash - 1;
            while (q > w && *q != '/')
                q--;
            slash = *q == '/' ? q : NULL;
        }
        snprintf(buf, len, "%s", slash ? slash + 1 : w);
    }
    if (strlen(buf) > 70 && len > 70)
        snprintf(buf + 66, len - 66, "...");
}

/* "NAME (knob v, knob v)": a policy and the values of its knobs. */
static size_t policy_text(char *buf, size_t len, const json_t *cfg, const char *option,
                          const struct policy_info *info)
{
    const char *name = json_string_value(json_object_get(cfg, option));
    size_t used = (size_t)snprintf(buf, len, "%s %s", option, name ? name : "?");
    bool first = true;
    for (size_t k = 0; info && info->params && info->params[k].name && used < len; k++) {
        const struct param_def *d = &info->params[k];
        const json_t *v = json_object_get(cfg, d->name);
        char val[64];
        if (json_is_string(v))
            snprintf(val, sizeof val, "%s", json_string_value(v));
        else if (json_is_boolean(v))
            snprintf(val, sizeof val, "%s", json_is_true(v) ? "yes" : "no");
        else if (json_is_number(v) && d->type == PARAM_DURATION)
            plots_format_duration(json_number_value(v), val, sizeof val);
        else if (json_is_number(v))
            snprintf(val, sizeof val, "%g", json_number_value(v));
        else
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%s%s %s", first ? " (" : ", ",
                                 d->name, val);
        first = false;
    }
    if (!first && used < len)
        used += (size_t)snprintf(buf + used, len - used, ")");
    return used < len ? used : len;
}

void plots_run_caption(const json_t *summary, char *buf, size_t len)
{
    const json_t *cfg = json_object_get(summary, "config");
    char work[128], sched[200], alloc[200] = "", platform[200], cons[200] = "";
    workload_text(json_string_value(json_object_get(summary, "workload")), work, sizeof work);
    const char *det = str_at(cfg, "consolidate", "none");
    if (strcmp(det, "none") != 0)
        snprintf(cons, sizeof cons, "; %s-%s, %s migration", det, str_at(cfg, "select", "?"),
                 str_at(cfg, "migration", "?"));
    if (strcmp(str_at(cfg, "preset", "none"), "none") != 0) {
        snprintf(buf, len, "%s; %s, quirks %s%s%s; %g hosts", work, str_at(cfg, "preset", "?"),
                 str_at(cfg, "quirks", "all"), cons[0] ? cons : "; no consolidation",
                 json_is_false(json_object_get(cfg, "power-aware")) ? ", not power-aware" : "",
                 num_at(cfg, "hosts"));
        return;
    }
    const char *sname = json_string_value(json_object_get(cfg, "sched"));
    policy_text(sched, sizeof sched, cfg, "sched", sname ? registry_find(&sched_registry, sname)
                                                         : NULL);
    const char *aname = json_string_value(json_object_get(cfg, "alloc"));
    const struct policy_info *ainfo = aname ? registry_find(&alloc_registry, aname) : NULL;
    if (ainfo && ainfo != registry_at(&alloc_registry, 0)) {
        alloc[0] = ';';
        alloc[1] = ' ';
        policy_text(alloc + 2, sizeof alloc - 2, cfg, "alloc", ainfo);
    }
    const char *pf = json_string_value(json_object_get(cfg, "platform"));
    double hosts = num_at(cfg, "hosts"), cores = num_at(cfg, "cores");
    if (pf)
        snprintf(platform, sizeof platform, "platform %s", pf);
    else if (hosts > 1)
        snprintf(platform, sizeof platform, "%g hosts x %g cores", hosts, cores);
    else
        snprintf(platform, sizeof platform, "%g core%s", cores, cores == 1 ? "" : "s");
    /* Fluids are not scheduled: say which model served the series. */
    const char *model = str_at(cfg, "model", "discrete");
    snprintf(buf, len, "%s; %s%s%s; %s; hw %s%s", work, strcmp(model, "fluid") == 0 ?
             "model fluid; " : "", sched, alloc, platform, str_at(cfg, "hw", "?"), cons);
}

int plots_write_buffer(const char *dir, const char *name, char *buf, size_t len,
                       struct sim_error *err)
{
    int rc = outdir_write(dir, name, buf, len, err);
    free(buf);
    return rc;
}

/* ---- running gnuplot ---- */

/* The first line of the text in f (gnuplot's complaint), for a note. */
static void first_line(FILE *f, char *buf, size_t len)
{
    buf[0] = '\0';
    rewind(f);
    /* gnuplot echoes the offending line first; the message is the first
     * line that says what is wrong ("...line N: ..."). */
    char line[512];
    while (fgets(line, sizeof line, f)) {
        chomp(line);
        if (line[0] == '\0')
            continue;
        snprintf(buf, len, "%s", line);
        if (strstr(line, "line "))
            break;
    }
}

/* Whether the image at path is whole: a PNG ends with its IEND chunk, an
 * SVG with its closing tag.  gnuplot exits 0 even when a write of its
 * fails (a full disk), leaving an empty or cut file. */
static bool image_whole(const char *path, bool png)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    char tail[64];
    size_t n = 0;
    bool ok = false;
    if (fseek(f, -(long)sizeof tail, SEEK_END) == 0 || fseek(f, 0, SEEK_SET) == 0)
        n = fread(tail, 1, sizeof tail, f);
    if (png) {
        static const char iend[] = "IEND\xae\x42\x60\x82";
        ok = n >= 12 && memcmp(tail + n - 8, iend, 8) == 0;
    } else {
        while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r' || tail[n - 1] == ' '))
            n--;
        ok = n >= 6 && memcmp(tail + n - 6, "</svg>", 6) == 0;
    }
    fclose(f);
    return ok;
}

/* Sync a file another process wrote. */
static int sync_file(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

int plots_render(const char *dir, const char *name, bool *missing, struct sim_error *err)
{
    if (*missing)
        return SIM_OK;
    const char *gnuplot = getenv("HVSIM_GNUPLOT");
    if (!gnuplot || !*gnuplot)
        gnuplot = "gnuplot";
    char outvar[300], script[256], png_name[256], svg_name[256];
    snprintf(outvar, sizeof outvar, "out='%s'", name);
    snprintf(script, sizeof script, "%s.gp", name);
    snprintf(png_name, sizeof png_name, "%s.png", name);
    snprintf(svg_name, sizeof svg_name, "%s.svg", name);
    /* The directory is the transaction's own (report/outdir.h): gnuplot
     * writes the images under their names; a signal removes them. */
    outdir_track(dir, png_name);
    outdir_track(dir, svg_name);
    FILE *errf = tmpfile();
    if (!errf)
        return sim_error_set(err, SIM_EIO, dir, 0, 0, "cannot create a temporary file: %s",
                             strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fclose(errf);
        return sim_error_set(err, SIM_EIO, dir, 0, 0, "cannot start gnuplot: %s",
                             strerror(errno));
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
        }
        dup2(fileno(errf), 2);
        if (chdir(dir) < 0)
            _exit(126);
        execlp(gnuplot, gnuplot, "-e", outvar, script, (char *)NULL);
        _exit(127);
    }
    outdir_child(pid);
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    outdir_child(0);
    int rc = SIM_OK;
    char png[4500], svg[4500];
    snprintf(png, sizeof png, "%s/%s", dir, png_name);
    snprintf(svg, sizeof svg, "%s/%s", dir, svg_name);
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
        *missing = true;
        fprintf(stderr, "hvsim: note: %s not found; plots not drawn (the .gp scripts and the "
                "data are written all the same)\n", gnuplot);
    } else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        char why[512];
        first_line(errf, why, sizeof why);
        fprintf(stderr, "hvsim: note: gnuplot failed on %s: %s\n", script,
                why[0] ? why : "(no message)");
    } else if (!image_whole(png, true) || !image_whole(svg, false)) {
        char why[512];
        first_line(errf, why, sizeof why);
        rc = sim_error_set(err, SIM_EIO, image_whole(png, true) ? svg : png, 0, 0,
                           "gnuplot left it empty or cut short (is the file system full?)%s%s",
                           why[0] ? ": " : "", why);
    } else if (sync_file(png) < 0 || sync_file(svg) < 0) {
        rc = sim_error_set(err, SIM_EIO, png, 0, 0, "cannot sync: %s", strerror(errno));
    }
    if (rc < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        unlink(png);   /* no image rather than a broken one */
        unlink(svg);
    }
    fclose(errf);
    return rc;
}

/* ---- the plots of a run ---- */

static int plot_cdf(const char *dir, const json_t *summary, bool *missing, struct sim_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/jobs.csv", dir);
    double *x;
    size_t n;
    static const char *const cols[] = {"turnaround"};
    int rc = plots_csv_read(path, cols, 1, &x, &n, err);
    if (rc < 0)
        return rc;
    char *buf;
    size_t len;
    FILE *m = open_memstream(&buf, &len);
    fputs("turnaround,cdf\n", m);
    plots_cdf_points(x, n, m);   /* sorts x */
    fclose(m);
    double lo = n ? x[0] : 0, hi = n ? x[n - 1] : 0;
    free(x);
    rc = plots_write_buffer(dir, "turnaround-cdf.csv", buf, len, err);
    if (rc < 0)
        return rc;

    char caption[600], count[32];
    plots_run_caption(summary, caption, sizeof caption);
    number_format(count, sizeof count, (double)n, 15);
    const json_t *t = json_object_get(summary, "turnaround");
    double mean = num_at(t, "mean"), p99 = num_at(t, "p99");
    m = open_memstream(&buf, &len);
    plots_gp_begin(m, "turnaround-cdf",
                   "CDF of turnaround time (finish - arrival) over the guests of jobs.csv;\n"
                   "# data: turnaround-cdf.csv (columns turnaround,cdf in seconds; exact up to\n"
                   "# 2000 guests, else 2000 quantiles)", 1000, 640);
    /* plots_gp_quote drops newlines: a second title line is "\n". */
    fprintf(m, "    set title 'Turnaround time CDF (%s guests)'.\"\\n\".", count);
    plots_gp_quote(m, caption);
    fputs("\n"
          "    set ylabel 'fraction of guests with turnaround <= x'\n"
          "    set yrange [0:1.02]\n"
          "    set ytics 0.1\n"
          "    set key bottom right\n", m);
    if (n == 0) {
        fputs("    set xlabel 'turnaround time'\n"
              "    set xrange [0.1:10]\n"
              "    set label 1 'no guest completed' at graph 0.5, graph 0.5 center\n"
              "    plot NaN notitle\n", m);
    } else {
        /* the time axis leaves room for the mean and p99 lines */
        double xlo = fmin(lo, isfinite(mean) ? mean : lo), xhi = fmax(hi, isfinite(p99) ? p99 : hi);
        double div = plots_gp_time_axis(m, "x", xlo, xhi, true, "turnaround time");
        char text[64];
        /* The mean and p99 lines are named in the key, which stays inside
         * the frame (a label beside a line near the right edge did not). */
        fputs("    plot 'turnaround-cdf.csv' skip 1 using ($1/", m);
        fprintf(m, "%.17g):2 with steps lt 1 title 'empirical CDF'", div);
        if (isfinite(mean) && mean > 0) {
            plots_format_time(mean, text, sizeof text);
            fprintf(m, ", \\\n         '+' using (%.17g):(($0 == 0) ? 0 : 1) every ::0::1 with "
                    "lines lw 1.5 dt 2 lc rgb '#2a7a2a' title 'mean %s'", mean / div, text);
        }
        if (isfinite(p99) && p99 > 0) {
            plots_format_time(p99, text, sizeof text);
            fprintf(m, ", \\\n         '+' using (%.17g):(($0 == 0) ? 0 : 1) every ::0::1 with "
                    "lines lw 1.5 dt 3 lc rgb '#b03030' title 'p99 %s'", p99 / div, text);
        }
        fputc('\n', m);
    }
    plots_gp_end(m);
    fclose(m);
    rc = plots_write_buffer(dir, "turnaround-cdf.gp", buf, len, err);
    if (rc < 0)
        return rc;
    return plots_render(dir, "turnaround-cdf", missing, err);
}

/* timeline.csv has one row per host per sample; timeline-plot.csv one
 * row per bin of consecutive samples: the platform's mean utilisation,
 * the mean and the peak of runnable vCPUs summed over hosts. */
static int plot_timeline(const char *dir, const json_t *summary, bool *missing,
                         struct sim_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/timeline.csv", dir);
    /* time, utilization, runnable, demand, allocated, used, and with power
     * tables the power drawn (summed over hosts like the rest) */
    bool power = isfinite(num_at(summary, "energy_kwh"));
    const int NC = power ? 7 : 6;
    static const char *const cols[7] = {"time", "utilization", "runnable", "demand",
                                        "allocated", "used", "power_w"};
    double *d;
    size_t n;
    int rc = plots_csv_read(path, cols, (size_t)NC, &d, &n, err);
    if (rc < 0)
        return rc;
    /* Aggregate the hosts of each sample instant: the mean utilisation,
     * the sums of the rest. */
    size_t ns = 0;
    for (size_t i = 0; i < n;) {
        double t = d[i * NC], sum[7] = {0};
        size_t k = 0;
        for (; i < n && d[i * NC] == t; i++, k++)
            for (int c = 1; c < NC; c++)
                sum[c] += d[i * NC + c];
        d[ns * NC] = t;
        d[ns * NC + 1] = sum[1] / (double)k;
        for (int c = 2; c < NC; c++)
            d[ns * NC + c] = sum[c];
        ns++;
    }
    size_t per = ns > PLOTS_TIMELINE_POINTS ? (ns + PLOTS_TIMELINE_POINTS - 1) /
                                                  PLOTS_TIMELINE_POINTS : 1;
    char *buf;
    size_t len;
    FILE *m = open_memstream(&buf, &len);
    fputs(power ? "time,utilization,runnable,runnable_max,demand,allocated,used,power_kw\n"
                : "time,utilization,runnable,runnable_max,demand,allocated,used\n", m);
    for (size_t i = 0; i < ns; i += per) {
        double mean[7] = {0}, rmax = 0, t = 0;
        size_t k = 0;
        for (size_t j = i; j < ns && j < i + per; j++, k++) {
            t = d[j * NC];
            for (int c = 1; c < NC; c++)
                mean[c] += d[j * NC + c];
            rmax = fmax(rmax, d[j * NC + 2]);
        }
        for (int c = 1; c < NC; c++)
            mean[c] /= (double)k;
        fprintf(m, "%.9g,%.6g,%.6g,%.9g,%.6g,%.6g,%.6g", t, mean[1], mean[2], rmax, mean[3],
                mean[4], mean[5]);
        if (power)
            fprintf(m, ",%.6g", mean[6] / 1000);
        fputc('\n', m);
    }
    fclose(m);
    double tlast = ns ? d[(ns - 1) * NC] : 0;
    /* The sampling interval the run used: from the data, since without
     * --sample it was widened as the run went (adaptive). */
    double interval = ns >= 2 ? d[NC] - d[0] : (ns == 1 ? d[0] : NAN);
    free(d);
    rc = plots_write_buffer(dir, "timeline-plot.csv", buf, len, err);
    if (rc < 0)
        return rc;

    const json_t *cfg = json_object_get(summary, "config");
    char caption[600], sample[48], note[96] = "";
    plots_run_caption(summary, caption, sizeof caption);
    plots_format_duration(interval, sample, sizeof sample);
    if (per > 1)
        snprintf(note, sizeof note, ", each point the mean of %zu samples", per);
    /* The demand allocator's story is demand against grant: a third panel. */
    const struct alloc_ops *alloc = alloc_find(str_at(cfg, "alloc", ""));
    bool alloc_panel = alloc && alloc->period;
    int panels = 2 + alloc_panel + power;
    m = open_memstream(&buf, &len);
    plots_gp_begin(m, "timeline",
                   "utilisation and runnable vCPUs (and, with --alloc demand, cores\n"
                   "# demanded, allocated and used) over simulated time; data:\n"
                   "# timeline-plot.csv, from timeline.csv: mean over hosts of the\n"
                   "# utilisation, sums over hosts of the rest, averaged over bins of\n"
                   "# consecutive samples (runnable_max = the peak in the bin), power_kw\n"
                   "# the power drawn by all hosts (with power tables); times in s", 1000,
                   240 * panels + 240);
    double tend = ns ? tlast : 1;
    const struct time_unit *u = time_unit_for_seconds(tend, true);
    double util = num_at(summary, "utilization");
    if (!isfinite(util))
        util = 0;
    fprintf(m, "    set multiplot layout %d,1 title 'Load over time: sampled every %s%s'.\"\\n\".",
            panels, sample, note);
    plots_gp_quote(m, caption);
    fprintf(m, "\n"
            "    set lmargin 10\n"
            "    set xrange [0:%.9g]\n"
            "    set format x ''\n"
            "    unset xlabel\n"
            "    set ylabel 'utilisation (busy cores)'\n"
            "    set yrange [0:1.05]\n"
            "    set key top right\n"
            "    set key opaque\n"
            "    set arrow 1 from graph 0, first %.6g to graph 1, first %.6g nohead dt 2 lw 1.5 "
            "lc rgb '#000000' front\n",
            tend / u->seconds, util, util);
    char x[64];
    snprintf(x, sizeof x, "($1/%.17g)", u->seconds);
    if (ns == 0)
        fputs("    unset arrow 1\n"
              "    unset key\n"
              "    set label 2 'no samples' at graph 0.5, graph 0.5 center\n"
              "    plot NaN notitle\n", m);
    else
        fprintf(m, "    plot 'timeline-plot.csv' skip 1 using %s:2 with fillsteps fs solid 0.35 "
                "noborder lc rgb '#1f4e9a' title sprintf('utilisation (dashed: run mean "
                "%%.3f)', %.6g), \\\n"
                "         '' skip 1 using %s:2 with steps lw 1 dt 1 lc rgb '#1f4e9a' notitle\n",
                x, util, x);
    fputs("    unset arrow 1\n", m);
    char xlabel[80];
    snprintf(xlabel, sizeof xlabel, "    set format x '%%g'\n    set xlabel 'simulated time (%s)'\n",
             u->name);
    if (panels == 2)
        fputs(xlabel, m);
    /* CloudSim's model has VMs, each one vCPU, and no queues */
    bool vms = strcmp(str_at(cfg, "preset", "none"), "none") != 0;
    fprintf(m, "    set ylabel '%s'\n"
            "    set yrange [0:*]\n", vms ? "VMs placed" : "runnable vCPUs (queued + running)");
    if (ns == 0)
        fputs("    set yrange [0:1]\n"
              "    plot NaN notitle\n", m);
    else if (per > 1)
        fprintf(m, "    plot 'timeline-plot.csv' skip 1 using %s:4 with fillsteps fs solid 0.3 "
                "noborder lc rgb '#e0a030' title 'peak in bin', \\\n"
                "         '' skip 1 using %s:3 with steps lw 1.5 dt 1 lc rgb '#b03030' "
                "title 'mean in bin'\n", x, x);
    else
        fprintf(m, "    plot 'timeline-plot.csv' skip 1 using %s:3 with fillsteps fs solid 0.3 "
                "noborder lc rgb '#b03030' title '%s', \\\n"
                "         '' skip 1 using %s:3 with steps lw 1 dt 1 lc rgb '#b03030' notitle\n", x,
                vms ? "VMs" : "runnable vCPUs", x);
    if (alloc_panel) {
        if (!power)
            fputs(xlabel, m);
        fputs("    set ylabel 'cores (all hosts)'\n", m);
        if (ns == 0)
            fputs("    plot NaN notitle\n", m);
        else
            fprintf(m, "    plot 'timeline-plot.csv' skip 1 using %s:5 with steps lt 2 lw 1.5 "
                    "dt 1 title 'demanded', \\\n"
                    "         '' skip 1 using %s:6 with steps lt 1 lw 1.5 dt 1 title 'allocated', "
                    "\\\n"
                    "         '' skip 1 using %s:7 with steps lt 3 lw 1.5 dt 1 title 'used'\n",
                    x, x, x);
    }
    if (power) {
        fputs(xlabel, m);
        double kwh = num_at(summary, "energy_kwh");
        fputs("    set ylabel 'power drawn, all hosts (kW)'\n"
              "    set yrange [0:*]\n", m);
        if (ns == 0)
            fputs("    plot NaN notitle\n", m);
        else
            fprintf(m, "    plot 'timeline-plot.csv' skip 1 using %s:8 with fillsteps fs solid 0.3 "
                    "noborder lc rgb '#2f7f3f' title sprintf('power (energy over the run %%.2f "
                    "kWh)', %.9g), \\\n"
                    "         '' skip 1 using %s:8 with steps lw 1 dt 1 lc rgb '#2f7f3f' "
                    "notitle\n", x, kwh, x);
    }
    fputs("    unset multiplot\n", m);
    plots_gp_end(m);
    fclose(m);
    rc = plots_write_buffer(dir, "timeline.gp", buf, len, err);
    if (rc < 0)
        return rc;
    return plots_render(dir, "timeline", missing, err);
}

/* Two bar charts side by side: seconds lost by cause, exits by reason.
 * On ideal hardware every bar is 0; the chart is still drawn (a figure
 * in a paper may need it), with a note that says why it is empty. */
static int plot_overhead(const char *dir, const json_t *summary, bool *missing,
                         struct sim_error *err)
{
    const json_t *o = json_object_get(summary, "overhead");
    const json_t *exits = json_object_get(o, "exits");
    double exit_s = num_at(o, "exit_seconds"), walk_s = num_at(o, "walk_seconds");
    double switch_s = num_at(o, "switch_seconds"), switches = num_at(o, "switches");
    double fraction = num_at(o, "fraction");
    double max_s = 0, max_exits = 0;
    double secs[3] = {exit_s, walk_s, switch_s};
    for (int i = 0; i < 3; i++)
        if (isfinite(secs[i]))
            max_s = fmax(max_s, secs[i]);
    const char *profile = str_at(o, "profile", str_at(json_object_get(summary, "config"), "hw",
                                                     "?"));
    char caption[300];
    plots_run_caption(summary, caption, sizeof caption);
    char *buf;
    size_t len;
    FILE *m = open_memstream(&buf, &len);
    plots_gp_header(m, "overhead",
                    "where the cycles went: core time lost to VM exits, 2D page walks\n"
                    "# and world switches, and the number of VM exits by reason; data:\n"
                    "# summary.json (overhead), in the datablocks below (seconds, label)");
    /* Datablocks cannot be defined inside the braces of the loop. */
    fputs("$cause << EOD\n", m);
    const char *names[3] = {"VM exits", "2D page walks", "world switches"};
    for (int i = 0; i < 3; i++) {
        char label[64];
        plots_format_time(isfinite(secs[i]) ? secs[i] : 0.0, label, sizeof label);
        fprintf(m, "%s,%.9g,%s\n", names[i], isfinite(secs[i]) ? secs[i] : 0.0, label);
    }
    fputs("EOD\n$exits << EOD\n", m);
    const char *reason;
    const json_t *count;
    size_t nreasons = 0;
    json_object_foreach((json_t *)exits, reason, count) {
        double c = json_is_number(count) ? json_number_value(count) : 0;
        max_exits = fmax(max_exits, c);
        fprintf(m, "%s,%.17g\n", reason, c);
        nreasons++;
    }
    if (nreasons == 0)
        fputs("(none),0\n", m);
    fputs("EOD\n", m);
    plots_gp_loop(m, 1100, 560);

    bool ideal = !(max_s > 0) && !(max_exits > 0);
    fprintf(m, "    set multiplot layout 1,2 title sprintf('Virtualisation overhead: %%.4g%%%% of "
            "busy core time (profile %%s)', %.9g, ",
            isfinite(fraction) ? 100 * fraction : 0.0);
    plots_gp_quote(m, profile);
    fputs(").\"\\n\".", m);
    plots_gp_quote(m, caption);
    fputs("\n"
          "    set style fill solid 0.85 border lc rgb '#333333'\n"
          "    set boxwidth 0.6\n"
          "    set key off\n"
          "    set xtics nomirror\n"
          "    set bmargin 9\n", m);
    if (ideal)
        fputs("    set label 1 'ideal hardware: no overhead' at graph 0.5, graph 0.55 center "
              "font ',13' tc rgb '#555555'\n", m);
    /* times in the unit of the largest, counts in thousands, millions
     * or billions: no 3.5e+06 on an axis */
    const struct time_unit *u = time_unit_for_seconds(max_s, true);
    char nswitch[40];
    number_format(nswitch, sizeof nswitch, isfinite(switches) ? switches : 0, 15);
    fprintf(m, "    set yrange [0:%s]\n", max_s > 0 ? "*" : "1");
    fprintf(m, "    set title 'core time lost, by cause (%s world switches)'\n", nswitch);
    fprintf(m, "    set ylabel 'core time (%s)'\n"
            "    set xrange [-0.6:2.6]\n"
            "    set xtics rotate by 30 right\n"
            "    plot $cause using 0:($2/%.17g):xtic(1) with boxes lc rgb '#1f4e9a', \\\n"
            "         $cause using 0:($2/%.17g):3 with labels offset 0,0.8\n", u->name,
            u->seconds, u->seconds);
    static const struct {
        double scale;
        const char *name;
    } counts[] = {{1e9, " (billions)"}, {1e6, " (millions)"}, {1e4, " (thousands)"}, {1, ""}};
    size_t ci = 0;
    while (ci + 1 < sizeof counts / sizeof counts[0] &&
           max_exits < counts[ci].scale * (counts[ci].scale > 1e4 ? 1 : 10))
        ci++;
    fprintf(m, "    set yrange [0:%s]\n", max_exits > 0 ? "*" : "1");
    fprintf(m, "    set title 'VM exits, by reason'\n"
            "    set ylabel 'number of exits%s'\n"
            "    set xrange [-0.6:%zu.6]\n"
            "    set xtics rotate by 45 right\n"
            "    plot $exits using 0:($2/%g):xtic(1) with boxes lc rgb '#b05a1f'\n"
            "    unset label 1\n"
            "    unset multiplot\n", counts[ci].name, (nreasons ? nreasons : 1) - 1,
            counts[ci].scale);
    plots_gp_end(m);
    fclose(m);
    int rc = plots_write_buffer(dir, "overhead.gp", buf, len, err);
    if (rc < 0)
        return rc;
    return plots_render(dir, "overhead", missing, err);
}

/* ---- the Gantt chart ---- */

struct gseg {
    long host, core, row;
    double start, end;
    size_t guest;         /* index into the guest names, in order of first run */
};

/* segments.csv (host,core,guest,vcpu,start,end; the guest field may be
 * quoted, base/csv) into segs, with the guests' names in order of their
 * first segment. */
static int read_segments(const char *path, struct gseg **segs, size_t *nseg, char ***names,
                         size_t *nnames, struct sim_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return sim_error_set(err, SIM_EIO, path, 0, 0, "cannot read: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0, segcap = 0, namecap = 0;
    long lineno = 0;
    int rc = SIM_OK;
    *segs = NULL;
    *nseg = *nnames = 0;
    *names = NULL;
    while (getline(&line, &cap, f) >= 0) {
        if (++lineno == 1)
            continue;
        chomp(line);
        if (!line[0])
            continue;
        long host, core;
        int used = 0;
        if (sscanf(line, "%ld,%ld,%n", &host, &core, &used) != 2 || used == 0) {
            rc = sim_error_set(err, SIM_EINVAL, path, lineno, 0, "not a segment row");
            break;
        }
        /* the guest id, quoted or not */
        char id[TRACE_ID_MAX + 8];
        size_t k = 0;
        const char *p = line + used;
        if (*p == '"') {
            for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
                if (*p == '"')
                    p++;
                if (k + 1 < sizeof id)
                    id[k++] = *p;
            }
            if (*p == '"')
                p++;
        } else {
            for (; *p && *p != ','; p++)
                if (k + 1 < sizeof id)
                    id[k++] = *p;
        }
        id[k] = '\0';
        double start, end;
        int vcpu;
        if (sscanf(p, ",%d,%lf,%lf", &vcpu, &start, &end) != 3) {
            rc = sim_error_set(err, SIM_EINVAL, path, lineno, 0, "not a segment row");
            break;
        }
        size_t g = 0;
        while (g < *nnames && strcmp((*names)[g], id) != 0)
            g++;
        if (g == *nnames) {
            *names = xgrow(*names, &namecap, *nnames + 1, sizeof **names);
            (*names)[(*nnames)++] = xstrdup(id);
        }
        *segs = xgrow(*segs, &segcap, *nseg + 1, sizeof **segs);
        (*segs)[(*nseg)++] = (struct gseg){host, core, 0, start, end, g};
    }
    free(line);
    fclose(f);
    return rc;
}

struct guest_order {
    double first;         /* its first start */
    size_t index;
    const char *name;
};

static int by_first_start(const void *a, const void *b)
{
    const struct guest_order *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* Number the guests in the order they first ran (the key's order, and the
 * colours'), ties by name. */
static void order_guests(struct gseg *seg, size_t n, char **names, size_t nguests)
{
    struct guest_order *o = xmalloc((nguests ? nguests : 1) * sizeof *o);
    for (size_t g = 0; g < nguests; g++)
        o[g] = (struct guest_order){INFINITY, g, names[g]};
    for (size_t i = 0; i < n; i++)
        o[seg[i].guest].first = fmin(o[seg[i].guest].first, seg[i].start);
    qsort(o, nguests, sizeof *o, by_first_start);
    size_t *rank = xmalloc((nguests ? nguests : 1) * sizeof *rank);
    char **sorted = xmalloc((nguests ? nguests : 1) * sizeof *sorted);
    for (size_t g = 0; g < nguests; g++) {
        rank[o[g].index] = g;
        sorted[g] = names[o[g].index];
    }
    for (size_t i = 0; i < n; i++)
        seg[i].guest = rank[seg[i].guest];
    if (nguests)
        memcpy(names, sorted, nguests * sizeof *names);
    free(sorted);
    free(rank);
    free(o);
}

/* Colour of guest i of n: ten categorical colours (matplotlib's tab10)
 * for ten guests, Kelly's twenty colours of maximum contrast for twenty,
 * then hues a golden angle apart, alternately lighter and darker, so that
 * every guest has its own and neighbours in time differ. */
static unsigned guest_colour(size_t i, size_t n)
{
    static const unsigned tab10[] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                     0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};
    static const unsigned kelly[] = {0xf3c300, 0x875692, 0xf38400, 0xa1caf1, 0xbe0032,
                                     0xc2b280, 0x848482, 0x008856, 0xe68fac, 0x0067a5,
                                     0xf99379, 0x604e97, 0xf6a600, 0xb3446c, 0xdcd300,
                                     0x882d17, 0x8db600, 0x654522, 0xe25822, 0x2b3d26};
    if (n <= 10)
        return tab10[i];
    if (n <= 20)
        return kelly[i];
    double h = fmod((double)i * 0.6180339887498949, 1.0) * 6, s = 0.6,
           v = i % 2 ? 0.72 : 0.92;
    double c = v * s, x = c * (1 - fabs(fmod(h, 2) - 1)), m = v - c, r, g, b;
    int sector = (int)h;
    r = sector == 0 || sector == 5 ? c : sector == 1 || sector == 4 ? x : 0;
    g = sector == 1 || sector == 2 ? c : sector == 0 || sector == 3 ? x : 0;
    b = sector == 3 || sector == 4 ? c : sector == 2 || sector == 5 ? x : 0;
    return ((unsigned)lround((r + m) * 255) << 16) | ((unsigned)lround((g + m) * 255) << 8) |
           (unsigned)lround((b + m) * 255);
}

static bool colour_is_dark(unsigned rgb)
{
    double r = (rgb >> 16) & 255, g = (rgb >> 8) & 255, b = rgb & 255;
    return 0.299 * r + 0.587 * g + 0.114 * b < 150;
}

static int cmp_double_p(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Boxes of guests on cores over time, one row per core (host-major), one
 * colour per guest, its name inside a box wide enough for it and in the
 * key; data: gantt-plot.csv, derived from segments.csv. */
static int plot_gantt(const char *dir, const json_t *summary, bool *missing,
                      struct sim_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/segments.csv", dir);
    struct gseg *seg = NULL;
    size_t n = 0, nguests = 0;
    char **names = NULL;
    int rc = read_segments(path, &seg, &n, &names, &nguests, err);
    if (rc < 0)
        goto done_names;
    order_guests(seg, n, names, nguests);
    const json_t *cfg = json_object_get(summary, "config");
    double hosts = num_at(cfg, "hosts"), cores = num_at(cfg, "cores"), tmax = 0;
    if (!(hosts >= 1))
        hosts = 1;
    if (!(cores >= 1))
        cores = 1;
    for (size_t i = 0; i < n; i++) {
        hosts = fmax(hosts, (double)seg[i].host + 1);
        cores = fmax(cores, (double)seg[i].core + 1);
        tmax = fmax(tmax, seg[i].end);
    }
    long nh = (long)hosts, nc = (long)cores, rows = nh * nc;
    /* One row per core: every core of the uniform platform of --hosts and
     * --cores (an idle one shows), or, with a --platform file of hosts of
     * different sizes, the cores that ran something. */
    bool sparse = str_at(cfg, "platform", NULL) != NULL;
    long *rowof = xmalloc((size_t)rows * sizeof *rowof);
    for (long r = 0; r < rows; r++)
        rowof[r] = sparse ? -1 : r;
    if (sparse) {
        for (size_t i = 0; i < n; i++)
            rowof[seg[i].host * nc + seg[i].core] = 0;
        long k = 0;
        for (long r = 0; r < rows; r++)
            if (rowof[r] == 0)
                rowof[r] = k++;
        rows = k ? k : 1;
    }
    for (size_t i = 0; i < n; i++)
        seg[i].row = rowof[seg[i].host * nc + seg[i].core];
    if (!(tmax > 0))
        tmax = 1;
    const struct time_unit *u = time_unit_for_seconds(tmax, true);
    int width = 1200, height = (int)fmin(1400, fmax(380, 220 + 34 * (double)rows));
    /* a label fits in a box about 7 px per character wide, of ~1000 px */
    double px_per_unit = 1000 / (tmax / u->seconds);

    char *buf;
    size_t len;
    FILE *m = open_memstream(&buf, &len);
    fputs("row,start,end,colour,label,labelcolour\n", m);
    bool some_unlabelled = false;
    for (size_t i = 0; i < n; i++) {
        const struct gseg *g = &seg[i];
        unsigned colour = guest_colour(g->guest, nguests);
        double a = g->start / u->seconds, b = g->end / u->seconds;
        char label[TRACE_ID_MAX + 8];
        snprintf(label, sizeof label, "%s", names[g->guest]);
        for (char *c = label; *c; c++)
            if (*c == ',' || *c == '"')
                *c = ' ';
        bool fits = (b - a) * px_per_unit >= 7.0 * (double)strlen(label) + 8;
        some_unlabelled = some_unlabelled || !fits;
        fprintf(m, "%ld,%.9g,%.9g,%u,%s,%u\n", g->row, a, b, colour, fits ? label : "",
                colour_is_dark(colour) ? 0xffffffu : 0x000000u);
    }
    fclose(m);
    rc = plots_write_buffer(dir, "gantt-plot.csv", buf, len, err);
    if (rc < 0)
        goto done;

    char caption[600];
    plots_run_caption(summary, caption, sizeof caption);
    bool key = some_unlabelled && nguests <= 40;
    m = open_memstream(&buf, &len);
    plots_gp_begin(m, "gantt",
                   "Gantt chart: which guest's vCPU ran on which core, when (a world\n"
                   "# switch included), one colour per guest; data: gantt-plot.csv (row, start,\n"
                   "# end in the axis's unit, colour 0xRRGGBB, label), from segments.csv",
                   width + (key ? 160 : 0), height);
    fprintf(m, "    set title 'Gantt chart (%zu segments of %zu guests)'.\"\\n\".", n, nguests);
    plots_gp_quote(m, caption);
    fprintf(m, "\n"
            "    set xlabel 'simulated time (%s)'\n"
            "    set ylabel 'core'\n"
            "    set yrange [%ld.5:-0.5]\n"
            "    set xrange [0:%.9g]\n"
            "    set grid noytics\n",
            u->name, rows - 1, tmax / u->seconds);
    /* Few boundaries: ticks at each, as a textbook chart has them. */
    double *t = xmalloc((2 * n + 1) * sizeof *t);
    size_t nt = 0;
    t[nt++] = 0;
    for (size_t i = 0; i < n; i++) {
        t[nt++] = seg[i].start;
        t[nt++] = seg[i].end;
    }
    qsort(t, nt, sizeof *t, cmp_double_p);
    size_t k = 0;
    for (size_t i = 0; i < nt; i++)
        if (k == 0 || t[i] - t[k - 1] > 1e-9 * tmax)
            t[k++] = t[i];
    if (k <= 30) {
        fputs("    set xtics (", m);
        for (size_t i = 0; i < k; i++) {
            char label[32];
            number_format(label, sizeof label, t[i] / u->seconds, 6);
            fprintf(m, "%s'%s' %.9g", i ? ", " : "", label, t[i] / u->seconds);
        }
        fputs(")\n    set grid xtics\n", m);
    }
    free(t);
    if (rows <= 40) {
        fputs("    set ytics (", m);
        long r = 0;
        for (long q = 0; q < nh * nc; q++) {
            if (rowof[q] < 0)
                continue;
            if (nh > 1)
                fprintf(m, "%s'h%ld/cpu%ld' %ld", r ? ", " : "", q / nc, q % nc, rowof[q]);
            else
                fprintf(m, "%s'cpu%ld' %ld", r ? ", " : "", q, rowof[q]);
            r++;
        }
        fputs(")\n", m);
    }
    fprintf(m, "    set style fill solid 0.95 %s\n",
            n <= 2000 ? "border lc rgb 'white'" : "noborder");
    if (key) {
        fputs("    set key outside right top vertical Left reverse noopaque nobox title "
              "'guests'\n", m);
        for (size_t g = 0; g < nguests; g++) {
            fprintf(m, "    set style line %zu lc rgb '#%06x'\n", 100 + g,
                    guest_colour(g, nguests));
        }
    } else {
        fputs("    set key off\n", m);
    }
    fputs("    plot 'gantt-plot.csv' skip 1 using (($2+$3)/2):1:(($3-$2)/2):(0.4):4 with "
          "boxxyerror lc rgb variable notitle", m);
    if (key)
        for (size_t g = 0; g < nguests; g++) {
            fprintf(m, ", \\\n         keyentry with boxes fs solid ls %zu title ", 100 + g);
            plots_gp_quote(m, names[g]);
        }
    fprintf(m, ", \\\n         '' skip 1 using (($2+$3)/2):1:5:6 with labels tc rgb variable "
            "font ',%d' notitle\n", rows <= 16 ? 10 : 8);
    plots_gp_end(m);
    fclose(m);
    rc = plots_write_buffer(dir, "gantt.gp", buf, len, err);
    if (rc == SIM_OK)
        rc = plots_render(dir, "gantt", missing, err);
done:
    free(rowof);
done_names:
    for (size_t g = 0; g < nguests; g++)
        free(names[g]);
    free(names);
    free(seg);
    return rc;
}

/* Files of a plot that is not drawn this time: left over from an
 * earlier run in the same directory, they would describe another run. */
static void remove_plot(const char *dir, const char *name)
{
    static const char *const ext[] = {".gp", ".png", ".svg", "-plot.csv"};
    for (int i = 0; i < 4; i++) {
        char path[4300];
        snprintf(path, sizeof path, "%s/%s%s", dir, name, ext[i]);
        unlink(path);
    }
}

int plots_write(const char *dir, const json_t *summary, struct sim_error *err)
{
    bool missing = false;
    const char *preset = str_at(json_object_get(summary, "config"), "preset", "none");
    if (strcmp(preset, "none") != 0) {
        /* CloudSim's model runs no guest to completion and no vCPU */
        remove_plot(dir, "turnaround-cdf");
        remove_plot(dir, "overhead");
        remove_plot(dir, "gantt");
        return plot_timeline(dir, summary, &missing, err);
    }
    int rc = plot_cdf(dir, summary, &missing, err);
    if (rc == SIM_OK)
        rc = plot_timeline(dir, summary, &missing, err);
    if (rc == SIM_OK)
        rc = plot_overhead(dir, summary, &missing, err);
    if (rc == SIM_OK) {
        char path[4200];
        struct stat st;
        snprintf(path, sizeof path, "%s/segments.csv", dir);
        if (stat(path, &st) == 0)
            rc = plot_gantt(dir, summary, &missing, err);
        else
            remove_plot(dir, "gantt");
    }
    return rc;
}

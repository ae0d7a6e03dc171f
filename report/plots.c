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
#include "base/xalloc.h"
#include "report/outdir.h"
#include "report/output.h"

/* ---- CSV ---- */

/* Split line (modified in place) at commas into at most max fields;
 * returns the number of fields.  Our CSV files have no quoted fields
 * among the numeric columns we read. */
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

void plots_gp_header(FILE *f, const char *name, const char *what)
{
    fprintf(f,
            "# %s.gp - %s\n"
            "# Written by hvsim " HVSIM_VERSION ".  Edit freely and draw again in this\n"
            "# directory with:  gnuplot %s.gp   (writes %s.png and %s.svg)\n"
            "if (!exists(\"out\")) out = '%s'\n"
            "set datafile separator comma\n"
            "set style data lines\n"
            "set grid lc rgb '#dddddd'\n"
            "set border lc rgb '#444444'\n"
            "set key opaque box lc rgb '#bbbbbb'\n",
            name, what, name, name, name, name);
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

void plots_format_duration(double s, char *buf, size_t len)
{
    if (!isfinite(s))
        snprintf(buf, len, "-");
    else if (s == 0 || s >= 1)
        snprintf(buf, len, "%gs", s);
    else if (s >= 1e-3)
        snprintf(buf, len, "%.6gms", s * 1e3);
    else if (s >= 1e-6)
        snprintf(buf, len, "%.6gus", s * 1e6);
    else
        snprintf(buf, len, "%.6gns", s * 1e9);
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

/* "sched rr, quantum 100ms, hw none": what a chart's title says of the run. */
static void run_caption(const json_t *summary, char *buf, size_t len)
{
    const json_t *cfg = json_object_get(summary, "config");
    char q[32];
    plots_format_duration(num_at(cfg, "quantum"), q, sizeof q);
    const char *platform = str_at(cfg, "platform", NULL);
    if (platform)
        snprintf(buf, len, "sched %s, quantum %s, platform %s, hw %s", str_at(cfg, "sched", "?"),
                 q, platform, str_at(cfg, "hw", "?"));
    else
        snprintf(buf, len, "sched %s, quantum %s, %.0f host(s) x %.0f core(s), hw %s",
                 str_at(cfg, "sched", "?"), q, num_at(cfg, "hosts"), num_at(cfg, "cores"),
                 str_at(cfg, "hw", "?"));
}

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
    plots_cdf_points(x, n, m);
    fclose(m);
    free(x);
    rc = plots_write_buffer(dir, "turnaround-cdf.csv", buf, len, err);
    if (rc < 0)
        return rc;

    char caption[300];
    run_caption(summary, caption, sizeof caption);
    const json_t *t = json_object_get(summary, "turnaround");
    double mean = num_at(t, "mean"), p99 = num_at(t, "p99");
    m = open_memstream(&buf, &len);
    plots_gp_begin(m, "turnaround-cdf",
                   "CDF of turnaround time (finish - arrival) over the guests of jobs.csv;\n"
                   "# data: turnaround-cdf.csv (columns turnaround,cdf; exact up to 2000\n"
                   "# guests, else 2000 quantiles)", 1000, 620);
    /* plots_gp_quote drops newlines: a second title line is "\n". */
    fprintf(m, "    set title 'Turnaround time CDF (%zu guests)'.\"\\n\".", n);
    plots_gp_quote(m, caption);
    fputs("\n"
          "    set xlabel 'turnaround time (s, log scale)'\n"
          "    set ylabel 'fraction of guests with turnaround <= x'\n"
          "    set logscale x\n"
          "    set yrange [0:1.02]\n"
          "    set ytics 0.1\n"
          "    set key top left\n", m);
    if (n == 0) {
        fputs("    set xrange [0.1:10]\n"
              "    set label 1 'no guest completed' at graph 0.5, graph 0.5 center\n"
              "    plot NaN notitle\n", m);
    } else {
        if (isfinite(mean) && mean > 0)
            fprintf(m, "    set arrow 1 from %.9g, graph 0 to %.9g, graph 1 nohead dt 2 "
                    "lc rgb '#2a7a2a'\n"
                    "    set label 1 sprintf('mean %%.4g s', %.9g) at %.9g, graph 0.06 "
                    "offset 0.5,0 tc rgb '#2a7a2a'\n", mean, mean, mean, mean);
        if (isfinite(p99) && p99 > 0)
            fprintf(m, "    set arrow 2 from %.9g, graph 0 to %.9g, graph 1 nohead dt 2 "
                    "lc rgb '#b03030'\n"
                    "    set label 2 sprintf('p99 %%.4g s', %.9g) at %.9g, graph 0.5 "
                    "offset 0.5,0 tc rgb '#b03030'\n", p99, p99, p99, p99);
        fputs("    plot 'turnaround-cdf.csv' skip 1 using 1:2 with steps lw 2 lc rgb '#1f4e9a' "
              "title 'empirical CDF'\n", m);
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
    /* time, utilization, runnable, demand, allocated, used */
    enum { NC = 6 };
    static const char *const cols[NC] = {"time", "utilization", "runnable", "demand",
                                         "allocated", "used"};
    double *d;
    size_t n;
    int rc = plots_csv_read(path, cols, NC, &d, &n, err);
    if (rc < 0)
        return rc;
    /* Aggregate the hosts of each sample instant: the mean utilisation,
     * the sums of the rest. */
    size_t ns = 0;
    for (size_t i = 0; i < n;) {
        double t = d[i * NC], sum[NC] = {0};
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
    fputs("time,utilization,runnable,runnable_max,demand,allocated,used\n", m);
    for (size_t i = 0; i < ns; i += per) {
        double mean[NC] = {0}, rmax = 0, t = 0;
        size_t k = 0;
        for (size_t j = i; j < ns && j < i + per; j++, k++) {
            t = d[j * NC];
            for (int c = 1; c < NC; c++)
                mean[c] += d[j * NC + c];
            rmax = fmax(rmax, d[j * NC + 2]);
        }
        for (int c = 1; c < NC; c++)
            mean[c] /= (double)k;
        fprintf(m, "%.9g,%.6g,%.6g,%.9g,%.6g,%.6g,%.6g\n", t, mean[1], mean[2], rmax, mean[3],
                mean[4], mean[5]);
    }
    fclose(m);
    double tlast = ns ? d[(ns - 1) * NC] : 0;
    free(d);
    rc = plots_write_buffer(dir, "timeline-plot.csv", buf, len, err);
    if (rc < 0)
        return rc;

    const json_t *cfg = json_object_get(summary, "config");
    char caption[300], sample[32], note[64] = "";
    run_caption(summary, caption, sizeof caption);
    plots_format_duration(num_at(cfg, "sample"), sample, sizeof sample);
    if (per > 1)
        snprintf(note, sizeof note, ", mean of %zu samples", per);
    /* The demand allocator's story is demand against grant: a third panel. */
    const struct alloc_ops *alloc = alloc_find(str_at(cfg, "alloc", ""));
    bool alloc_panel = alloc && alloc->period;
    m = open_memstream(&buf, &len);
    plots_gp_begin(m, "timeline",
                   "utilisation and runnable vCPUs (and, with --alloc demand, cores\n"
                   "# demanded, allocated and used) over simulated time; data:\n"
                   "# timeline-plot.csv, from timeline.csv: mean over hosts of the\n"
                   "# utilisation, sums over hosts of the rest, averaged over bins of\n"
                   "# consecutive samples (runnable_max = the peak in the bin)", 1000,
                   alloc_panel ? 960 : 720);
    double tend = ns ? tlast : 1;
    double util = num_at(summary, "utilization");
    if (!isfinite(util))
        util = 0;
    fprintf(m, "    set multiplot layout %d,1 title 'Load over time (sampled every %s)'.\"\\n\".",
            alloc_panel ? 3 : 2, sample);
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
            tend, util, util);
    if (ns == 0)
        fputs("    unset arrow 1\n"
              "    unset key\n"
              "    set label 2 'no samples' at graph 0.5, graph 0.5 center\n"
              "    plot NaN notitle\n", m);
    else
        fprintf(m, "    plot 'timeline-plot.csv' skip 1 using 1:2 with fillsteps fs solid 0.35 "
                "noborder lc rgb '#1f4e9a' title sprintf('utilisation%s (dashed: run mean "
                "%%.3f)', %.6g), \\\n"
                "         '' skip 1 using 1:2 with steps lw 1 lc rgb '#1f4e9a' notitle\n",
                note, util);
    fputs("    unset arrow 1\n", m);
    if (!alloc_panel)
        fputs("    set format x '%g'\n"
              "    set xlabel 'simulated time (s)'\n", m);
    fputs("    set ylabel 'runnable vCPUs (queued + running)'\n"
          "    set yrange [0:*]\n", m);
    if (ns == 0)
        fputs("    set yrange [0:1]\n"
              "    plot NaN notitle\n", m);
    else if (per > 1)
        fputs("    plot 'timeline-plot.csv' skip 1 using 1:4 with fillsteps fs solid 0.3 noborder "
              "lc rgb '#e0a030' title 'peak in bin', \\\n"
              "         '' skip 1 using 1:3 with steps lw 1.5 lc rgb '#b03030' "
              "title 'mean in bin'\n", m);
    else
        fputs("    plot 'timeline-plot.csv' skip 1 using 1:3 with fillsteps fs solid 0.3 noborder "
              "lc rgb '#b03030' title 'runnable vCPUs', \\\n"
              "         '' skip 1 using 1:3 with steps lw 1 lc rgb '#b03030' notitle\n", m);
    if (alloc_panel) {
        fputs("    set format x '%g'\n"
              "    set xlabel 'simulated time (s)'\n"
              "    set ylabel 'cores (all hosts)'\n", m);
        if (ns == 0)
            fputs("    plot NaN notitle\n", m);
        else
            fputs("    plot 'timeline-plot.csv' skip 1 using 1:5 with steps lw 1.5 lc rgb "
                  "'#b03030' title 'demanded', \\\n"
                  "         '' skip 1 using 1:6 with steps lw 1.5 lc rgb '#1f4e9a' "
                  "title 'allocated', \\\n"
                  "         '' skip 1 using 1:7 with steps lw 1.5 lc rgb '#2ca02c' "
                  "title 'used'\n", m);
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
    run_caption(summary, caption, sizeof caption);
    char *buf;
    size_t len;
    FILE *m = open_memstream(&buf, &len);
    plots_gp_header(m, "overhead",
                    "where the cycles went: core time lost to VM exits, 2D page walks\n"
                    "# and world switches, and the number of VM exits by reason; data:\n"
                    "# summary.json (overhead), in the datablocks below");
    /* Datablocks cannot be defined inside the braces of the loop. */
    fputs("$cause << EOD\n", m);
    const char *names[3] = {"VM exits", "2D page walks", "world switches"};
    for (int i = 0; i < 3; i++)
        fprintf(m, "%s,%.9g\n", names[i], isfinite(secs[i]) ? secs[i] : 0.0);
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
    fprintf(m, "    set yrange [0:%s]\n", max_s > 0 ? "*" : "1");
    fprintf(m, "    set title sprintf('core time lost, by cause (%%.0f world switches)', %.17g)\n",
            isfinite(switches) ? switches : 0.0);
    fputs("    set ylabel 'seconds of core time'\n"
          "    set xrange [-0.6:2.6]\n"
          "    set xtics rotate by 30 right\n"
          "    plot $cause using 0:2:xtic(1) with boxes lc rgb '#1f4e9a', \\\n"
          "         $cause using 0:2:(sprintf('%.4g s', $2)) with labels offset 0,0.8\n", m);
    fprintf(m, "    set yrange [0:%s]\n", max_exits > 0 ? "*" : "1");
    fprintf(m, "    set title 'VM exits, by reason'\n"
            "    set ylabel 'number of exits'\n"
            "    set xrange [-0.6:%zu.6]\n"
            "    set xtics rotate by 45 right\n"
            "    plot $exits using 0:2:xtic(1) with boxes lc rgb '#b05a1f'\n"
            "    unset label 1\n"
            "    unset multiplot\n", (nreasons ? nreasons : 1) - 1);
    plots_gp_end(m);
    fclose(m);
    int rc = plots_write_buffer(dir, "overhead.gp", buf, len, err);
    if (rc < 0)
        return rc;
    return plots_render(dir, "overhead", missing, err);
}

/* Boxes of guests on cores over time from segments.csv, one row per
 * core (host-major), coloured by guest; ids written in the boxes wide
 * enough for them. */
static int plot_gantt(const char *dir, const json_t *summary, bool *missing,
                      struct sim_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/segments.csv", dir);
    static const char *const cols[] = {"host", "core", "end"};
    double *d;
    size_t n;
    int rc = plots_csv_read(path, cols, 3, &d, &n, err);
    if (rc < 0)
        return rc;
    const json_t *cfg = json_object_get(summary, "config");
    double hosts = num_at(cfg, "hosts"), cores = num_at(cfg, "cores"), tmax = 0;
    if (!(hosts >= 1))
        hosts = 1;
    if (!(cores >= 1))
        cores = 1;
    for (size_t i = 0; i < n; i++) {
        hosts = fmax(hosts, d[i * 3] + 1);
        cores = fmax(cores, d[i * 3 + 1] + 1);
        tmax = fmax(tmax, d[i * 3 + 2]);
    }
    long nh = (long)hosts, nc = (long)cores, rows = nh * nc;
    /* One row per core: every core of the uniform platform of --hosts and
     * --cores (an idle one shows), or, with a --platform file of hosts of
     * different sizes, the cores that ran something, numbered by rowof. */
    bool sparse = str_at(cfg, "platform", NULL) != NULL;
    long *rowof = NULL;
    if (sparse) {
        rowof = xmalloc((size_t)rows * sizeof *rowof);
        for (long r = 0; r < rows; r++)
            rowof[r] = -1;
        for (size_t i = 0; i < n; i++)
            rowof[(long)d[i * 3] * nc + (long)d[i * 3 + 1]] = 0;
        long k = 0;
        for (long r = 0; r < rows; r++)
            if (rowof[r] == 0)
                rowof[r] = k++;
        rows = k ? k : 1;
    }
    free(d);
    int height = (int)fmin(1400, fmax(380, 200 + 34 * (double)rows));
    char caption[300];
    run_caption(summary, caption, sizeof caption);

    char *buf;
    size_t len;
    FILE *m = open_memstream(&buf, &len);
    plots_gp_begin(m, "gantt",
                   "Gantt chart: which guest's vCPU ran on which core, when (a world\n"
                   "# switch included); data: segments.csv (host,core,guest,vcpu,start,end)",
                   1200, height);
    fprintf(m, "    set title 'Gantt chart (%zu segments)'.\"\\n\".", n);
    plots_gp_quote(m, caption);
    fprintf(m, "\n    cores = %ld\n", nc);
    if (sparse) {
        fprintf(m, "    array rowof[%ld]\n", nh * nc);
        for (long r = 0; r < nh * nc; r++)
            if (rowof[r] >= 0)
                fprintf(m, "    rowof[%ld] = %ld\n", r + 1, rowof[r]);
        fputs("    row(h, c) = rowof[h * cores + c + 1]\n", m);
    } else {
        fputs("    row(h, c) = h * cores + c\n", m);
    }
    fprintf(m,
            "    set xlabel 'simulated time (s)'\n"
            "    set ylabel 'core'\n"
            "    set yrange [%ld.5:-0.5]\n"
            "    set xrange [0:%.9g]\n"
            "    set key off\n"
            "    set grid noytics\n",
            rows - 1, tmax > 0 ? tmax : 1);
    if (rows <= 40) {
        fputs("    set ytics (", m);
        long k = 0;
        for (long r = 0; r < nh * nc; r++) {
            if (sparse && rowof[r] < 0)
                continue;
            if (nh > 1)
                fprintf(m, "%s'h%ld/cpu%ld' %ld", k ? ", " : "", r / nc, r % nc, k);
            else
                fprintf(m, "%s'cpu%ld' %ld", k ? ", " : "", r, k);
            k++;
        }
        fputs(")\n", m);
    }
    free(rowof);
    /* Eight distinguishable colours, cycled over numeric guest ids
     * (ids that are not numbers are coloured by row). */
    fputs("    set linetype 1 lc rgb '#1f77b4'\n"
          "    set linetype 2 lc rgb '#ff7f0e'\n"
          "    set linetype 3 lc rgb '#2ca02c'\n"
          "    set linetype 4 lc rgb '#d62728'\n"
          "    set linetype 5 lc rgb '#9467bd'\n"
          "    set linetype 6 lc rgb '#8c564b'\n"
          "    set linetype 7 lc rgb '#e377c2'\n"
          "    set linetype 8 lc rgb '#17becf'\n"
          "    set linetype cycle 8\n"
          "    colour(id, r) = (id == id ? int(id) % 8 : int(r) % 8) + 1\n", m);
    fprintf(m, "    set style fill solid 0.9 %s\n",
            n <= 2000 ? "border lc rgb 'white'" : "noborder");
    fprintf(m, "    plot 'segments.csv' skip 1 using (($5+$6)/2):(row($1,$2)):(($6-$5)/2):(0.4):"
            "(colour(column(3), $0)) with boxxyerror lc variable");
    /* A label fits in a box wider than about 1/60 of the axis. */
    if (n <= 400)
        fprintf(m, ", \\\n         '' skip 1 using (($5+$6)/2):(row($1,$2)):"
                "(($6-$5) > %.9g ? strcol(3) : '') with labels font ',%d' tc rgb 'white'",
                tmax / 60, rows <= 16 ? 10 : 8);
    fputs("\n", m);
    plots_gp_end(m);
    fclose(m);
    rc = plots_write_buffer(dir, "gantt.gp", buf, len, err);
    if (rc < 0)
        return rc;
    return plots_render(dir, "gantt", missing, err);
}

/* Files of a plot that is not drawn this time: left over from an
 * earlier run in the same directory, they would describe another run. */
static void remove_plot(const char *dir, const char *name)
{
    static const char *const ext[] = {".gp", ".png", ".svg"};
    for (int i = 0; i < 3; i++) {
        char path[4300];
        snprintf(path, sizeof path, "%s/%s%s", dir, name, ext[i]);
        unlink(path);
    }
}

int plots_write(const char *dir, const json_t *summary, struct sim_error *err)
{
    bool missing = false;
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

/*
 * cli_progress.c: the progress line of the long commands (pack, carbon,
 * report), one look and one redraw rate for all.
 */
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Often enough to look alive, rarely enough to cost nothing. */
#define REDRAW_SECONDS 0.1

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) * 1e-9;
}

void cli_progress_start(cli_progress *p, const char *cmd, const char *unit, bool wanted)
{
    memset(p, 0, sizeof *p);
    p->cmd = cmd;
    p->unit = unit;
    p->enabled = wanted && isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void cli_progress_input(cli_progress *p, FILE *input)
{
    struct stat sb;
    if (input != NULL && fstat(fileno(input), &sb) == 0 && S_ISREG(sb.st_mode) &&
        sb.st_size > 0) {
        p->input = input;
        p->input_size = (uint64_t)sb.st_size;
    }
}

void cli_progress_clear(cli_progress *p)
{
    if (!p->drawn)
        return;
    fprintf(stderr, "\r%*s\r", p->width, "");
    p->drawn = false;
}

void cli_progress_tick(cli_progress *p, uint64_t done)
{
    if (!p->enabled)
        return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (p->ever && seconds_between(&p->last, &now) < REDRAW_SECONDS)
        return;
    p->ever = true;
    p->last = now;
    double s = seconds_between(&p->start, &now);
    char line[160];
    int n = snprintf(line, sizeof line, "boxcar %s: %" PRIu64 " %s, %.0f/s", p->cmd, done,
                     p->unit, s > 0 ? (double)done / s : 0.0);
    long at = p->input != NULL ? ftell(p->input) : -1;
    if (at >= 0 && n > 0 && (size_t)n < sizeof line) {
        double pct = 100.0 * (double)at / (double)p->input_size;
        n += snprintf(line + n, sizeof line - (size_t)n, ", %.0f %% of the file",
                      pct > 100 ? 100 : pct);
    }
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = (int)sizeof line - 1;
    /* pad over a longer line drawn before */
    fprintf(stderr, "\r%s%*s", line, p->width > n ? p->width - n : 0, "");
    if (n > p->width)
        p->width = n;
    p->drawn = true;
}

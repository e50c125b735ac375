/*
 * cli_data.c: where the command finds its data (catalogs, factor sets,
 * report and policy scripts) by name.
 *
 * An installed boxcar finds them beside itself: from the directory of
 * its own executable (/proc/self/exe) to the data directory it was
 * installed with (BOXCAR_DATA_FROM_BIN, e.g. ../share/boxcar), so a
 * prefix moved or installed anywhere works without a path compiled in.
 * A boxcar run from its build tree has no such directory and uses the
 * source tree's copies.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The installed data directory, or NULL (a build tree, or no /proc). */
static const char *installed_dir(void)
{
    static char dir[PATH_MAX];
    static int state; /* 0: not looked for yet, 1: found, -1: none */
    if (state != 0)
        return state > 0 ? dir : NULL;
    state = -1;
#ifdef BOXCAR_DATA_FROM_BIN
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL)
        return NULL;
    *slash = '\0';
    struct stat st;
    int k = snprintf(dir, sizeof dir, "%s/%s", exe, BOXCAR_DATA_FROM_BIN);
    if (k > 0 && (size_t)k < sizeof dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
        state = 1;
#endif
    return state > 0 ? dir : NULL;
}

const char *cli_data_file(const char *installed_sub, const char *source_sub, const char *name,
                          char *buf, size_t size)
{
    const char *dir = installed_dir();
    if (dir != NULL) {
        snprintf(buf, size, "%s/%s/%s", dir, installed_sub, name);
        if (access(buf, R_OK) == 0)
            return buf;
    }
#ifdef BOXCAR_SOURCE_DIR
    snprintf(buf, size, "%s/%s/%s", BOXCAR_SOURCE_DIR, source_sub, name);
    if (access(buf, R_OK) == 0)
        return buf;
#else
    (void)source_sub;
#endif
    return NULL;
}

const char *cli_data_dir(const char *installed_sub, const char *source_sub, char *buf,
                         size_t size)
{
    const char *dir = cli_data_file(installed_sub, source_sub, ".", buf, size);
    if (dir != NULL)
        buf[strlen(buf) - 2] = '\0'; /* without the "/." */
    return dir;
}

const char *cli_script_path(const char *kind, const char *arg, char *buf, size_t size)
{
    if (arg == NULL || strchr(arg, '/') != NULL || access(arg, R_OK) == 0)
        return arg;
    size_t n = strlen(arg);
    if (n > 4 && strcmp(arg + n - 4, ".lua") == 0)
        return arg;
    char sub[32], name[256];
    snprintf(sub, sizeof sub, "scripts/%s", kind);
    snprintf(name, sizeof name, "%s.lua", arg);
    const char *found = cli_data_file(sub, sub, name, buf, size);
    return found != NULL ? found : arg;
}

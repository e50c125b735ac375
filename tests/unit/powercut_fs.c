/*
 * powercut_fs.c: the interposed file layer and the disk model of
 * powercut_fs.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "powercut_fs.h"

#define SECTOR 512
#define NAME_MAX_LEN 256

/* The real functions (the linker's --wrap names them __real_*). */
int __real_open(const char *path, int flags, ...);
int __real_mkstemp(char *tmpl);
ssize_t __real_pwrite(int fd, const void *buf, size_t n, off_t off);
int __real_ftruncate(int fd, off_t len);
int __real_fsync(int fd);
int __real_fdatasync(int fd);
int __real_rename(const char *from, const char *to);
int __real_link(const char *from, const char *to);
int __real_unlink(const char *path);
int __real_remove(const char *path);

int __wrap_open(const char *path, int flags, ...);
int __wrap_mkstemp(char *tmpl);
ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off);
int __wrap_ftruncate(int fd, off_t len);
int __wrap_fsync(int fd);
int __wrap_fdatasync(int fd);
int __wrap_rename(const char *from, const char *to);
int __wrap_link(const char *from, const char *to);
int __wrap_unlink(const char *path);
int __wrap_remove(const char *path);

/* ---- the log -------------------------------------------------------------- */

enum { OP_WRITE, OP_TRUNCATE, OP_SYNC };

typedef struct data_op {
    uint64_t t;
    int kind;
    uint64_t off, len; /* write: where and how much; truncate: len */
    unsigned char *data;
} data_op;

/* One file (an inode: a file renamed or linked stays the same node). */
typedef struct node {
    dev_t dev;
    ino_t ino;
    bool current;        /* (dev, ino) still names this node */
    data_op *ops;
    size_t n, cap;
    unsigned char *cache; /* the page cache's copy, to find stdio's writes */
    size_t size, ccap;
} node;

enum { NS_CREATE, NS_RENAME, NS_LINK, NS_UNLINK, NS_DIRSYNC };

typedef struct name_op {
    uint64_t t;
    int kind;
    char a[NAME_MAX_LEN], b[NAME_MAX_LEN];
    size_t node;
} name_op;

static bool recording;
static char rec_dir[1024];
static size_t rec_dir_len;
static dev_t rec_dev;
static ino_t rec_ino;
static uint64_t now;
static node *nodes;
static size_t n_nodes, cap_nodes;
static name_op *names;
static size_t n_names, cap_names;

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 16;
    while (c < need)
        c *= 2;
    p = realloc(p, c * elem);
    if (p == NULL)
        abort(); /* test code: out of memory ends the test */
    *cap = c;
    return p;
}

/* The name of path inside the recorded directory, or NULL. */
static const char *in_dir(const char *path)
{
    if (!recording || path == NULL || strncmp(path, rec_dir, rec_dir_len) != 0 ||
        path[rec_dir_len] != '/')
        return NULL;
    const char *name = path + rec_dir_len + 1;
    if (name[0] == '\0' || strchr(name, '/') != NULL || strlen(name) >= NAME_MAX_LEN)
        return NULL;
    return name;
}

static size_t new_node(const struct stat *sb)
{
    for (size_t i = 0; i < n_nodes; i++)
        if (nodes[i].current && nodes[i].dev == sb->st_dev && nodes[i].ino == sb->st_ino)
            nodes[i].current = false; /* an inode number used again */
    nodes = grow(nodes, &cap_nodes, n_nodes + 1, sizeof *nodes);
    node *nd = &nodes[n_nodes];
    memset(nd, 0, sizeof *nd);
    nd->dev = sb->st_dev;
    nd->ino = sb->st_ino;
    nd->current = true;
    return n_nodes++;
}

static long find_node(const struct stat *sb)
{
    for (size_t i = 0; i < n_nodes; i++)
        if (nodes[i].current && nodes[i].dev == sb->st_dev && nodes[i].ino == sb->st_ino)
            return (long)i;
    return -1;
}

static long node_of_fd(int fd)
{
    struct stat sb;
    return fstat(fd, &sb) == 0 ? find_node(&sb) : -1;
}

static long node_of_path(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? find_node(&sb) : -1;
}

static bool is_dir_fd(int fd)
{
    struct stat sb;
    return fstat(fd, &sb) == 0 && sb.st_dev == rec_dev && sb.st_ino == rec_ino;
}

static void log_name(int kind, const char *a, const char *b, size_t nd)
{
    names = grow(names, &cap_names, n_names + 1, sizeof *names);
    name_op *op = &names[n_names++];
    memset(op, 0, sizeof *op);
    op->t = now++;
    op->kind = kind;
    if (a != NULL)
        snprintf(op->a, sizeof op->a, "%s", a);
    if (b != NULL)
        snprintf(op->b, sizeof op->b, "%s", b);
    op->node = nd;
}

static void cache_resize(node *nd, size_t size)
{
    nd->cache = grow(nd->cache, &nd->ccap, size + 1, 1);
    if (size > nd->size)
        memset(nd->cache + nd->size, 0, size - nd->size);
    nd->size = size;
}

static data_op *log_data(size_t i, int kind)
{
    node *nd = &nodes[i];
    nd->ops = grow(nd->ops, &nd->cap, nd->n + 1, sizeof *nd->ops);
    data_op *op = &nd->ops[nd->n++];
    memset(op, 0, sizeof *op);
    op->t = now++;
    op->kind = kind;
    return op;
}

static void log_write(size_t i, uint64_t off, const void *data, uint64_t len)
{
    data_op *op = log_data(i, OP_WRITE);
    op->off = off;
    op->len = len;
    op->data = malloc(len ? len : 1);
    if (op->data == NULL)
        abort();
    memcpy(op->data, data, len);
    node *nd = &nodes[i];
    if (off + len > nd->size)
        cache_resize(nd, (size_t)(off + len));
    memcpy(nd->cache + off, data, len);
}

static void log_truncate(size_t i, uint64_t len)
{
    log_data(i, OP_TRUNCATE)->len = len;
    cache_resize(&nodes[i], (size_t)len);
}

/* Log what reached the file without passing through here (stdio). */
static void reconcile(size_t i, int fd)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return;
    size_t size = (size_t)sb.st_size;
    unsigned char *real = malloc(size + 1);
    if (real == NULL)
        abort();
    size_t got = 0;
    while (got < size) {
        ssize_t r = pread(fd, real + got, size - got, (off_t)got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    size = got;
    node *nd = &nodes[i];
    if (size < nd->size)
        log_truncate(i, size);
    size_t d = 0;
    while (d < size && d < nd->size && real[d] == nd->cache[d])
        d++;
    if (d < size)
        log_write(i, d, real + d, size - d);
    free(real);
}

static void reconcile_path(size_t i, const char *path)
{
    int fd = __real_open(path, O_RDONLY);
    if (fd >= 0) {
        reconcile(i, fd);
        close(fd);
    }
}

/* ---- the wrapped calls ---------------------------------------------------- */

int __wrap_open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, unsigned int);
        va_end(ap);
    }
    const char *name = in_dir(path);
    struct stat sb;
    bool existed = name != NULL && lstat(path, &sb) == 0;
    int fd = __real_open(path, flags, mode);
    if (fd < 0 || name == NULL || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))
        return fd;
    if ((flags & O_CREAT) && !existed) {
        log_name(NS_CREATE, name, NULL, new_node(&sb));
    } else if (existed && (flags & O_TRUNC)) {
        long i = find_node(&sb);
        if (i >= 0)
            log_truncate((size_t)i, 0);
    }
    return fd;
}

int __wrap_mkstemp(char *tmpl)
{
    int fd = __real_mkstemp(tmpl);
    const char *name = in_dir(tmpl);
    struct stat sb;
    if (fd >= 0 && name != NULL && fstat(fd, &sb) == 0)
        log_name(NS_CREATE, name, NULL, new_node(&sb));
    return fd;
}

ssize_t __wrap_pwrite(int fd, const void *buf, size_t n, off_t off)
{
    ssize_t w = __real_pwrite(fd, buf, n, off);
    if (recording && w > 0) {
        long i = node_of_fd(fd);
        if (i >= 0)
            log_write((size_t)i, (uint64_t)off, buf, (uint64_t)w);
    }
    return w;
}

int __wrap_ftruncate(int fd, off_t len)
{
    int r = __real_ftruncate(fd, len);
    if (recording && r == 0) {
        long i = node_of_fd(fd);
        if (i >= 0)
            log_truncate((size_t)i, (uint64_t)len);
    }
    return r;
}

static int sync_fd(int fd, bool data_only)
{
    long i = -1;
    bool dir = false;
    if (recording) {
        dir = is_dir_fd(fd);
        if (!dir && (i = node_of_fd(fd)) >= 0)
            reconcile((size_t)i, fd);
    }
    int r = data_only ? __real_fdatasync(fd) : __real_fsync(fd);
    if (r == 0 && dir)
        log_name(NS_DIRSYNC, NULL, NULL, 0);
    else if (r == 0 && i >= 0)
        log_data((size_t)i, OP_SYNC);
    return r;
}

int __wrap_fsync(int fd)
{
    return sync_fd(fd, false);
}

int __wrap_fdatasync(int fd)
{
    return sync_fd(fd, true);
}

int __wrap_rename(const char *from, const char *to)
{
    const char *a = in_dir(from), *b = in_dir(to);
    long i = a != NULL && b != NULL ? node_of_path(from) : -1;
    if (i >= 0)
        reconcile_path((size_t)i, from);
    int r = __real_rename(from, to);
    if (r == 0 && i >= 0)
        log_name(NS_RENAME, a, b, (size_t)i);
    return r;
}

int __wrap_link(const char *from, const char *to)
{
    const char *a = in_dir(from), *b = in_dir(to);
    long i = a != NULL && b != NULL ? node_of_path(from) : -1;
    int r = __real_link(from, to);
    if (r == 0 && i >= 0)
        log_name(NS_LINK, a, b, (size_t)i);
    return r;
}

static int remove_name(const char *path, bool any)
{
    const char *a = in_dir(path);
    int r = any ? __real_remove(path) : __real_unlink(path);
    if (r == 0 && a != NULL)
        log_name(NS_UNLINK, a, NULL, 0);
    return r;
}

int __wrap_unlink(const char *path)
{
    return remove_name(path, false);
}

int __wrap_remove(const char *path)
{
    return remove_name(path, true);
}

/* ---- recording ------------------------------------------------------------ */

void pc_free(void)
{
    for (size_t i = 0; i < n_nodes; i++) {
        for (size_t k = 0; k < nodes[i].n; k++)
            free(nodes[i].ops[k].data);
        free(nodes[i].ops);
        free(nodes[i].cache);
    }
    free(nodes);
    free(names);
    nodes = NULL;
    names = NULL;
    n_nodes = cap_nodes = n_names = cap_names = 0;
    now = 0;
    recording = false;
}

void pc_start(const char *dir)
{
    pc_free();
    snprintf(rec_dir, sizeof rec_dir, "%s", dir);
    rec_dir_len = strlen(rec_dir);
    struct stat sb;
    if (stat(rec_dir, &sb) != 0)
        abort();
    rec_dev = sb.st_dev;
    rec_ino = sb.st_ino;
    recording = true;
    /* files already there: synced data, names not yet durable */
    DIR *d = opendir(rec_dir);
    if (d == NULL)
        abort();
    struct dirent *e;
    char path[2048];
    while ((e = readdir(d)) != NULL) {
        snprintf(path, sizeof path, "%s/%s", rec_dir, e->d_name);
        const char *name = in_dir(path);
        int fd;
        if (name == NULL || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
            (fd = __real_open(path, O_RDONLY)) < 0)
            continue;
        size_t i = new_node(&sb);
        reconcile(i, fd);
        close(fd);
        log_data(i, OP_SYNC);
        log_name(NS_CREATE, name, NULL, i);
    }
    closedir(d);
}

void pc_stop(void)
{
    recording = false;
}

uint64_t pc_now(void)
{
    return now;
}

/* ---- the disk at a cut ---------------------------------------------------- */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

typedef struct image {
    unsigned char *p;
    size_t size, cap;
} image;

static void image_resize(image *im, size_t size)
{
    im->p = grow(im->p, &im->cap, size + 1, 1);
    if (size > im->size)
        memset(im->p + im->size, 0, size - im->size);
    im->size = size;
}

static void image_put(image *im, uint64_t off, const unsigned char *data, uint64_t len)
{
    if (off + len > im->size)
        image_resize(im, (size_t)(off + len));
    memcpy(im->p + off, data, len);
}

/* A file's bytes on the disk after the first k operations. */
static void node_at(const node *nd, uint64_t k, uint64_t *rng, image *im)
{
    size_t synced = 0;
    for (size_t i = 0; i < nd->n && nd->ops[i].t < k; i++)
        if (nd->ops[i].kind == OP_SYNC)
            synced = i + 1;
    for (size_t i = 0; i < synced; i++) {
        const data_op *op = &nd->ops[i];
        if (op->kind == OP_WRITE)
            image_put(im, op->off, op->data, op->len);
        else if (op->kind == OP_TRUNCATE)
            image_resize(im, (size_t)op->len);
    }
    for (size_t i = synced; i < nd->n && nd->ops[i].t < k; i++) {
        const data_op *op = &nd->ops[i];
        if (op->kind == OP_TRUNCATE) {
            if (rnd(rng) % 2 == 0)
                image_resize(im, (size_t)op->len);
            continue;
        }
        if (op->kind != OP_WRITE)
            continue;
        uint64_t how = rnd(rng) % 8;
        if (how < 2)
            continue; /* lost */
        if (how == 2) {
            /* the size reached the disk, the data did not */
            if (op->off + op->len > im->size)
                image_resize(im, (size_t)(op->off + op->len));
            continue;
        }
        if (how < 5) {
            image_put(im, op->off, op->data, op->len);
            continue;
        }
        /* torn: each sector of it on its own */
        for (uint64_t p = op->off; p < op->off + op->len;) {
            uint64_t next = (p / SECTOR + 1) * SECTOR;
            if (next > op->off + op->len)
                next = op->off + op->len;
            if (rnd(rng) % 2 == 0)
                image_put(im, p, op->data + (p - op->off), next - p);
            p = next;
        }
    }
}

typedef struct entry {
    char name[NAME_MAX_LEN];
    size_t node;
} entry;

static void apply_name(entry *tab, size_t *n, const name_op *op)
{
    size_t at = *n;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(tab[i].name, op->kind == NS_CREATE || op->kind == NS_UNLINK ? op->a
                                                                               : op->b) == 0)
            at = i;
    switch (op->kind) {
    case NS_CREATE:
    case NS_LINK:
        if (at == *n)
            (*n)++;
        snprintf(tab[at].name, sizeof tab[at].name, "%s", op->kind == NS_CREATE ? op->a
                                                                                 : op->b);
        tab[at].node = op->node;
        break;
    case NS_RENAME:
        if (at == *n)
            (*n)++;
        snprintf(tab[at].name, sizeof tab[at].name, "%s", op->b);
        tab[at].node = op->node;
        for (size_t i = 0; i < *n; i++)
            if (strcmp(tab[i].name, op->a) == 0) {
                tab[i] = tab[--*n];
                break;
            }
        break;
    case NS_UNLINK:
        if (at < *n)
            tab[at] = tab[--*n];
        break;
    default:
        break;
    }
}

void pc_disk_at(uint64_t k, uint64_t *rng, const char *out_dir)
{
    entry *tab = calloc(n_names + 1, sizeof *tab);
    if (tab == NULL)
        abort();
    size_t n = 0, synced = 0;
    for (size_t i = 0; i < n_names && names[i].t < k; i++)
        if (names[i].kind == NS_DIRSYNC)
            synced = i + 1;
    for (size_t i = 0; i < synced; i++)
        apply_name(tab, &n, &names[i]);
    /* half the time a prefix of the later changes (metadata journalled in
     * order), half the time any subset of them */
    bool in_order = rnd(rng) % 2 == 0;
    size_t pending = 0;
    for (size_t i = synced; i < n_names && names[i].t < k; i++)
        pending++;
    size_t upto = synced + (size_t)(rnd(rng) % (pending + 1));
    for (size_t i = synced; i < synced + pending; i++)
        if (in_order ? i < upto : rnd(rng) % 2 == 0)
            apply_name(tab, &n, &names[i]);
    /* a node's bytes are drawn once, for all its names */
    image *ims = calloc(n_nodes + 1, sizeof *ims);
    bool *done = calloc(n_nodes + 1, sizeof *done);
    if (ims == NULL || done == NULL)
        abort();
    char path[2048];
    for (size_t i = 0; i < n; i++) {
        size_t nd = tab[i].node;
        if (!done[nd]) {
            node_at(&nodes[nd], k, rng, &ims[nd]);
            done[nd] = true;
        }
        snprintf(path, sizeof path, "%s/%s", out_dir, tab[i].name);
        FILE *f = fopen(path, "wb");
        if (f == NULL || (ims[nd].size > 0 && fwrite(ims[nd].p, 1, ims[nd].size, f) !=
                                                  ims[nd].size))
            abort();
        fclose(f);
    }
    for (size_t i = 0; i < n_nodes; i++)
        free(ims[i].p);
    free(ims);
    free(done);
    free(tab);
}

/*
 * carbon_packing.c: the boxes of a packing result as shipments (see
 * carbon_packing.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "carbon_packing.h"

typedef struct order_route {
    char order_id[BX_ID_MAX];
    char route_id[BX_ID_MAX];
    double drop_km; /* negative: not given */
} order_route;

struct carbon_packing {
    bx_ctx *ctx;
    const char *path;
    FILE *fp;
    bx_csv_reader *csv;
    const char *route; /* default, may be NULL */
    int32_t date;
    order_route *routes;
    size_t nroutes;
    void (*diag)(void *, const bx_diag *);
    void *diag_ud;
    /* columns of the packing file */
    size_t c_order, c_seq, c_box, c_units, c_gross;
    uint64_t rows, unpacked;
};

static void report(carbon_packing *p, const char *file, uint64_t line, const char *field,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void report(carbon_packing *p, const char *file, uint64_t line, const char *field,
                   const char *fmt, ...)
{
    char msg[512], text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    char where[64] = "";
    if (line > 0)
        snprintf(where, sizeof where, "%llu:", (unsigned long long)line);
    if (field != NULL)
        snprintf(text, sizeof text, "%s:%s field '%s': %s", file, where, field, msg);
    else
        snprintf(text, sizeof text, "%s:%s %s", file, where, msg);
    bx_diag d = {BX_SEV_ERROR, BX_EINPUT, {file, line, 0, 0, 0, field}, text};
    if (p->diag != NULL)
        p->diag(p->diag_ud, &d);
}

/* The column of the header called name, or SIZE_MAX. */
static size_t column(const bx_csv_reader *csv, const char *name)
{
    for (size_t i = 0; i < bx_csv_nfields(csv); i++) {
        size_t len;
        const char *f = bx_csv_field(csv, i, &len);
        if (len == strlen(name) && memcmp(f, name, len) == 0)
            return i;
    }
    return SIZE_MAX;
}

/* Copy field i as an identifier of at most BX_ID_MAX - 1 bytes. */
static bool copy_id(const bx_csv_reader *csv, size_t i, char *out)
{
    size_t len;
    const char *f = bx_csv_field(csv, i, &len);
    if (len == 0 || len >= BX_ID_MAX)
        return false;
    memcpy(out, f, len);
    out[len] = '\0';
    return true;
}

static bool whole(const char *f, size_t len, long long max, long long *out)
{
    if (len == 0 || len > 18)
        return false;
    long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (f[i] < '0' || f[i] > '9')
            return false;
        v = v * 10 + (f[i] - '0');
    }
    *out = v;
    return v <= max;
}

static int by_order(const void *a, const void *b)
{
    return strcmp(((const order_route *)a)->order_id, ((const order_route *)b)->order_id);
}

static bx_status read_routes(carbon_packing *p, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "boxcar carbon: cannot open %s: %s\n", path, strerror(errno));
        return BX_ENOTFOUND;
    }
    bx_csv_reader *csv = NULL;
    bx_status st = bx_csv_open_file(p->ctx, &csv, path, fp, NULL);
    if (st == BX_OK)
        st = bx_csv_next(csv);
    size_t c_order = SIZE_MAX, c_route = SIZE_MAX, c_drop = SIZE_MAX;
    if (st == BX_OK) {
        c_order = column(csv, "order_id");
        c_route = column(csv, "route_id");
        c_drop = column(csv, "drop_km");
        if (c_order == SIZE_MAX || c_route == SIZE_MAX) {
            report(p, path, 1, NULL, "%s", "an order-routes file has the columns order_id "
                                             "and route_id (and optionally drop_km)");
            st = BX_EINPUT;
        }
    } else if (st == BX_END) {
        report(p, path, 1, NULL, "%s", "no header row");
        st = BX_EINPUT;
    }
    size_t cap = 0, bad = 0;
    while (st == BX_OK && (st = bx_csv_next(csv)) == BX_OK) {
        uint64_t line = bx_csv_line(csv);
        if (p->nroutes == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            order_route *v = realloc(p->routes, ncap * sizeof *v);
            if (v == NULL) {
                st = BX_ENOMEM;
                break;
            }
            p->routes = v;
            cap = ncap;
        }
        order_route *r = &p->routes[p->nroutes];
        r->drop_km = -1;
        if (!copy_id(csv, c_order, r->order_id)) {
            report(p, path, line, "order_id", "%s", "an order id of 1 to 63 bytes is needed");
            bad++;
            continue;
        }
        if (!copy_id(csv, c_route, r->route_id)) {
            report(p, path, line, "route_id", "%s", "a route id of 1 to 63 bytes is needed");
            bad++;
            continue;
        }
        size_t len;
        const char *f = c_drop != SIZE_MAX ? bx_csv_field(csv, c_drop, &len) : NULL;
        if (f != NULL && len > 0) {
            char num[32], *end = NULL;
            snprintf(num, sizeof num, "%.*s", (int)(len < 31 ? len : 31), f);
            double v = strtod(num, &end);
            if (len > 31 || end == num || *end != '\0' || !(v >= 0 && v <= BX_MAX_DROP_KM)) {
                report(p, path, line, "drop_km", "'%s' is not a distance in km", num);
                bad++;
                continue;
            }
            r->drop_km = v;
        }
        p->nroutes++;
    }
    if (st == BX_END)
        st = bad > 0 ? BX_EINPUT : BX_OK;
    bx_csv_close(csv);
    fclose(fp);
    if (st != BX_OK)
        return st;
    qsort(p->routes, p->nroutes, sizeof *p->routes, by_order);
    for (size_t i = 1; i < p->nroutes; i++)
        if (strcmp(p->routes[i - 1].order_id, p->routes[i].order_id) == 0) {
            report(p, path, 0, "order_id", "order '%s' has two routes",
                   p->routes[i].order_id);
            return BX_EINPUT;
        }
    return BX_OK;
}

bx_status carbon_packing_open(bx_ctx *ctx, carbon_packing **out, const char *packing,
                              const char *route, const char *order_routes, int32_t date,
                              void (*diag)(void *, const bx_diag *), void *diag_ud)
{
    *out = NULL;
    carbon_packing *p = calloc(1, sizeof *p);
    if (p == NULL)
        return BX_ENOMEM;
    p->ctx = ctx;
    p->path = packing;
    p->route = route;
    p->date = date;
    p->diag = diag;
    p->diag_ud = diag_ud;
    bx_status st = order_routes != NULL ? read_routes(p, order_routes) : BX_OK;
    if (st == BX_OK && (p->fp = fopen(packing, "rb")) == NULL) {
        fprintf(stderr, "boxcar carbon: cannot open %s: %s\n", packing, strerror(errno));
        st = BX_ENOTFOUND;
    }
    if (st == BX_OK)
        st = bx_csv_open_file(ctx, &p->csv, packing, p->fp, NULL);
    if (st == BX_OK) {
        st = bx_csv_next(p->csv);
        if (st == BX_END) {
            report(p, packing, 1, NULL, "%s", "no header row");
            st = BX_EINPUT;
        }
    }
    if (st == BX_OK) {
        static const char *const need[] = {"order_id", "box_seq", "box_id", "n_units",
                                           "gross_weight_g"};
        size_t *cols[] = {&p->c_order, &p->c_seq, &p->c_box, &p->c_units, &p->c_gross};
        for (size_t i = 0; i < sizeof need / sizeof need[0] && st == BX_OK; i++)
            if ((*cols[i] = column(p->csv, need[i])) == SIZE_MAX) {
                report(p, packing, 1, NULL, "not the packing results of boxcar pack "
                                            "--format csv: no column '%s'", need[i]);
                st = BX_EINPUT;
            }
    }
    if (st != BX_OK) {
        carbon_packing_close(p);
        return st;
    }
    *out = p;
    return BX_OK;
}

static const order_route *route_of(const carbon_packing *p, const char *order_id)
{
    order_route key;
    snprintf(key.order_id, sizeof key.order_id, "%s", order_id);
    return p->nroutes == 0 ? NULL
                           : bsearch(&key, p->routes, p->nroutes, sizeof *p->routes, by_order);
}

bx_status carbon_packing_next(carbon_packing *p, bx_shipment *s)
{
    for (;;) {
        bx_status st = bx_csv_next(p->csv);
        if (st != BX_OK)
            return st; /* BX_END, or a malformed row (reported by the reader) */
        p->rows++;
        uint64_t line = bx_csv_line(p->csv);
        size_t len;
        bx_csv_field(p->csv, p->c_box, &len);
        if (len == 0) {
            p->unpacked++; /* an order not packed, or its units that were not */
            continue;
        }
        bx_shipment_init(s);
        s->source = p->path;
        s->line = line;
        s->date = p->date;
        char order[BX_ID_MAX], seq[24];
        const char *f = bx_csv_field(p->csv, p->c_seq, &len);
        long long v;
        if (!copy_id(p->csv, p->c_order, order)) {
            report(p, p->path, line, "order_id", "%s", "an order id of 1 to 63 bytes is needed");
            return BX_EINPUT;
        }
        if (!whole(f, len, 1000000, &v)) {
            report(p, p->path, line, "box_seq", "%s", "a box number is needed");
            return BX_EINPUT;
        }
        snprintf(seq, sizeof seq, "-%lld", v);
        if (strlen(order) + strlen(seq) >= BX_ID_MAX) {
            report(p, p->path, line, "order_id", "'%s' is too long to name its shipments "
                                                 "(order id, '-' and the box number: at most "
                                                 "63 bytes)", order);
            return BX_EINPUT;
        }
        size_t no = strlen(order), ns = strlen(seq);
        memcpy(s->shipment_id, order, no);
        memcpy(s->shipment_id + no, seq, ns + 1);
        f = bx_csv_field(p->csv, p->c_units, &len);
        if (!whole(f, len, BX_MAX_ITEMS, &v) || v < 1) {
            report(p, p->path, line, "n_units", "%s", "a number of units is needed");
            return BX_EINPUT;
        }
        s->items = (int32_t)v;
        f = bx_csv_field(p->csv, p->c_gross, &len);
        if (!whole(f, len, BX_MAX_MASS_G, &v)) {
            report(p, p->path, line, "gross_weight_g", "%s", "a mass in grams is needed");
            return BX_EINPUT;
        }
        s->mass_g = v;
        f = bx_csv_field(p->csv, p->c_box, &len);
        snprintf(s->packaging, sizeof s->packaging, "%.*s", (int)len, f);
        const order_route *r = route_of(p, order);
        if (r != NULL) {
            snprintf(s->route_id, sizeof s->route_id, "%s", r->route_id);
            s->drop_km = r->drop_km;
        } else if (p->route != NULL) {
            snprintf(s->route_id, sizeof s->route_id, "%s", p->route);
        } else {
            report(p, p->path, line, "order_id", "order '%s' has no route in the "
                                                 "order-routes file, and no --route was given",
                   order);
            return BX_EINPUT;
        }
        return BX_OK;
    }
}

uint64_t carbon_packing_rows(const carbon_packing *p)
{
    return p->rows;
}

uint64_t carbon_packing_unpacked(const carbon_packing *p)
{
    return p->unpacked;
}

FILE *carbon_packing_file(const carbon_packing *p)
{
    return p->fp;
}

void carbon_packing_close(carbon_packing *p)
{
    if (p == NULL)
        return;
    bx_csv_close(p->csv);
    if (p->fp != NULL)
        fclose(p->fp);
    free(p->routes);
    free(p);
}

/*
 * pool_plan.c: a rebalancing plan (boxcar/plan.h): cheapest paths over
 * the links, then a transportation problem solved with GLPK.
 *
 * Only a station with more than it needs (stock above need + safety) gives,
 * and only that surplus: taking containers from a station that needs them
 * to cover another would move a shortfall, not remove it. With the
 * cheapest-path costs (which obey the triangle inequality) no container
 * needs to pass through a station that also receives, so every move goes
 * straight from a giver to a receiver. The problem is then
 *     min sum short_j                  (step 1)
 *     min sum c_ij x_ij, sum short_j <= the least found   (step 2)
 *     sum_j x_ij <= surplus_i,  sum_i x_ij + short_j >= deficit_j
 * whose matrix (a bipartite incidence plus slack columns) is totally
 * unimodular: the simplex vertex is whole, and glp_intopt confirms it.
 */
#include <glpk.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "boxcar/plan.h"
#include "pool_internal.h"

void bx_plan_free(bx_ctx *ctx, bx_plan *p)
{
    if (p == NULL)
        return;
    bx_free(ctx, p->stations);
    bx_free(ctx, p->arrivals);
    bx_free(ctx, p->departures);
    bx_free(ctx, p->shortfall);
    bx_free(ctx, p->moves);
    bx_free(ctx, p);
}

/* ---- cheapest paths ------------------------------------------------------ */

/* From node src over the links (nv nodes): cost[v], distance[v] and hops[v]
 * of the cheapest path (ties: the shorter, then fewer links); INFINITY
 * where none. Dijkstra in O(nv^2 + nv * edges) without a heap: networks of
 * stations are small. */
static void cheapest_from(size_t src, size_t nv, const bxi_link *e, size_t ne, double *cost,
                          double *dist, size_t *hops, unsigned char *done)
{
    for (size_t v = 0; v < nv; v++) {
        cost[v] = dist[v] = INFINITY;
        hops[v] = 0;
        done[v] = 0;
    }
    cost[src] = dist[src] = 0;
    for (;;) {
        size_t u = nv;
        for (size_t v = 0; v < nv; v++)
            if (!done[v] && isfinite(cost[v]) &&
                (u == nv || cost[v] < cost[u] || (cost[v] == cost[u] && dist[v] < dist[u])))
                u = v;
        if (u == nv)
            return;
        done[u] = 1;
        for (size_t k = 0; k < ne; k++) {
            size_t w;
            if (e[k].a == u)
                w = e[k].b;
            else if (e[k].b == u)
                w = e[k].a;
            else
                continue;
            double c = cost[u] + e[k].cost, d = dist[u] + e[k].distance_km;
            bool better = c < cost[w] ||
                          (c == cost[w] && (d < dist[w] ||
                                            (d == dist[w] && hops[u] + 1 < hops[w])));
            if (!done[w] && better) {
                cost[w] = c;
                dist[w] = d;
                hops[w] = hops[u] + 1;
            }
        }
    }
}

/* ---- GLPK, kept from printing and from ending the process ---------------- */

typedef struct glpk_guard {
    jmp_buf jump;
    char last[200]; /* GLPK's last line of output: an error's text */
} glpk_guard;

static int glpk_quiet(void *info, const char *s)
{
    glpk_guard *g = info;
    if (s != NULL && s[0] != '\0' && s[0] != '\n')
        snprintf(g->last, sizeof g->last, "%s", s);
    return 1; /* printed nothing */
}

static void glpk_failed(void *info)
{
    glpk_guard *g = info;
    longjmp(g->jump, 1);
}

/* One pair that may carry containers. */
typedef struct pair {
    size_t from, to; /* plan station indexes */
    double cost, distance_km;
    size_t hops;
} pair;

/* Solve steps 1 and 2 over giver/receiver pairs: x[k] per pair, short_[j]
 * per receiver (index into recv). surplus[g], deficit[r] by giver and
 * receiver position. BX_EINTERNAL with GLPK's words if it fails. */
static bx_status solve_lp(bx_ctx *ctx, const pair *pairs, size_t np, const size_t *givers,
                          size_t ng, const int64_t *surplus, const size_t *recv, size_t nr,
                          const int64_t *deficit, int *ia, int *ja, double *ar, int64_t *x,
                          int64_t *short_)
{
    glpk_guard g;
    g.last[0] = '\0';
    glp_term_hook(glpk_quiet, &g);
    glp_error_hook(glpk_failed, &g);
    if (setjmp(g.jump) != 0) {
        /* GLPK's state is undefined after its error: drop all of it */
        glp_free_env();
        return bxi_error(ctx, BX_EINTERNAL, "the plan's solver (GLPK) failed: %s",
                         g.last[0] ? g.last : "no message");
    }
    glp_prob *lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MIN);
    /* rows: givers, receivers, then the shortfall cap of step 2 */
    glp_add_rows(lp, (int)(ng + nr + 1));
    for (size_t i = 0; i < ng; i++)
        glp_set_row_bnds(lp, (int)(i + 1), GLP_UP, 0.0, (double)surplus[i]);
    for (size_t j = 0; j < nr; j++)
        glp_set_row_bnds(lp, (int)(ng + j + 1), GLP_LO, (double)deficit[j], 0.0);
    glp_set_row_bnds(lp, (int)(ng + nr + 1), GLP_FR, 0.0, 0.0);
    /* columns: pairs, then the receivers' shortfalls */
    glp_add_cols(lp, (int)(np + nr));
    size_t ne = 0;
    for (size_t k = 0; k < np; k++) {
        int col = (int)(k + 1);
        glp_set_col_bnds(lp, col, GLP_LO, 0.0, 0.0);
        glp_set_col_kind(lp, col, GLP_IV);
        size_t gi = 0, rj = 0;
        while (givers[gi] != pairs[k].from)
            gi++;
        while (recv[rj] != pairs[k].to)
            rj++;
        ne++;
        ia[ne] = (int)(gi + 1), ja[ne] = col, ar[ne] = 1.0;
        ne++;
        ia[ne] = (int)(ng + rj + 1), ja[ne] = col, ar[ne] = 1.0;
    }
    for (size_t j = 0; j < nr; j++) {
        int col = (int)(np + j + 1);
        glp_set_col_bnds(lp, col, GLP_DB, 0.0, (double)deficit[j]);
        glp_set_col_kind(lp, col, GLP_IV);
        glp_set_obj_coef(lp, col, 1.0);
        ne++;
        ia[ne] = (int)(ng + j + 1), ja[ne] = col, ar[ne] = 1.0;
        ne++;
        ia[ne] = (int)(ng + nr + 1), ja[ne] = col, ar[ne] = 1.0;
    }
    glp_load_matrix(lp, (int)ne, ia, ja, ar);
    glp_iocp parm;
    glp_init_iocp(&parm);
    parm.presolve = GLP_ON;
    parm.msg_lev = GLP_MSG_OFF;
    bx_status st = BX_OK;
    /* step 1: the least shortfall */
    int rc = glp_intopt(lp, &parm);
    if (rc != 0 || glp_mip_status(lp) != GLP_OPT) {
        st = bxi_error(ctx, BX_EINTERNAL, "the plan's solver (GLPK) found no optimum "
                       "(code %d, status %d)", rc, glp_mip_status(lp));
    } else {
        double least = floor(glp_mip_obj_val(lp) + 0.5);
        /* step 2: that shortfall at the least cost */
        glp_set_row_bnds(lp, (int)(ng + nr + 1), GLP_UP, 0.0, least);
        for (size_t j = 0; j < nr; j++)
            glp_set_obj_coef(lp, (int)(np + j + 1), 0.0);
        for (size_t k = 0; k < np; k++)
            glp_set_obj_coef(lp, (int)(k + 1), pairs[k].cost);
        rc = glp_intopt(lp, &parm);
        if (rc != 0 || glp_mip_status(lp) != GLP_OPT)
            st = bxi_error(ctx, BX_EINTERNAL, "the plan's solver (GLPK) found no least-cost "
                           "plan (code %d, status %d)", rc, glp_mip_status(lp));
    }
    if (st == BX_OK) {
        for (size_t k = 0; k < np; k++)
            x[k] = (int64_t)floor(glp_mip_col_val(lp, (int)(k + 1)) + 0.5);
        for (size_t j = 0; j < nr; j++)
            short_[j] = (int64_t)floor(glp_mip_col_val(lp, (int)(np + j + 1)) + 0.5);
    }
    glp_delete_prob(lp);
    glp_error_hook(NULL, NULL);
    glp_term_hook(NULL, NULL);
    /* GLPK keeps an environment per thread until it is freed: a server's
     * worker threads would each leave one behind when they end */
    glp_free_env();
    return st;
}

/* ---- the plan ------------------------------------------------------------ */

static bx_status check_stations(bx_ctx *ctx, const bx_plan_station *s, size_t n,
                                const bx_links *links, size_t *node)
{
    for (size_t i = 0; i < n; i++) {
        if (bxi_id_problem(s[i].station_id, strnlen(s[i].station_id, BX_ID_MAX)) != NULL)
            return bxi_input_error(ctx, BX_EINPUT, NULL, "plan: station %zu has no valid id",
                                   i + 1);
        if (s[i].stock < 0 || s[i].need < 0 || s[i].safety < 0 ||
            s[i].stock > INT64_C(1) << 40 || s[i].need > INT64_C(1) << 40 ||
            s[i].safety > INT64_C(1) << 40)
            return bxi_input_error(ctx, BX_EINPUT, NULL, "plan: station '%s': stock, need and "
                                   "safety must be whole numbers from 0 to 2^40",
                                   s[i].station_id);
        for (size_t j = 0; j < i; j++)
            if (strcmp(s[i].station_id, s[j].station_id) == 0)
                return bxi_input_error(ctx, BX_EINPUT, NULL,
                                       "plan: station '%s' is given twice", s[i].station_id);
        node[i] = SIZE_MAX;
        for (size_t v = 0; v < bxi_links_station_count(links); v++)
            if (strcmp(bxi_links_station(links, v), s[i].station_id) == 0)
                node[i] = v;
        if (node[i] == SIZE_MAX && n > 1)
            return bxi_input_error(ctx, BX_EINPUT, NULL, "plan: station '%s' has no "
                                   "distances: no link names it", s[i].station_id);
    }
    return BX_OK;
}

bx_status bx_plan_solve(bx_ctx *ctx, const bx_plan_station *stations, size_t n,
                        const bx_links *links, bx_plan **out)
{
    if (ctx == NULL)
        return BX_EINVAL;
    if (out != NULL)
        *out = NULL;
    if (out == NULL || (stations == NULL && n > 0) || links == NULL)
        return bxi_error(ctx, BX_EINVAL, "bx_plan_solve: bad argument");
    if (n > BX_PLAN_MAX_STATIONS)
        return bxi_error(ctx, BX_ELIMIT, "plan: %zu stations; at most %d", n,
                         BX_PLAN_MAX_STATIONS);
    size_t nv = bxi_links_station_count(links);
    const bxi_link *edges;
    size_t ne = bxi_links_edges(links, &edges);
    size_t n1 = n ? n : 1, nv1 = nv ? nv : 1;
    bx_plan *p = bx_alloc(ctx, sizeof *p);
    size_t *node = bx_alloc(ctx, n1 * sizeof *node);
    /* givers and receivers (index lists), their amounts, paths, pairs */
    size_t *givers = bx_alloc(ctx, n1 * sizeof *givers);
    size_t *recv = bx_alloc(ctx, n1 * sizeof *recv);
    int64_t *surplus = bx_alloc(ctx, n1 * sizeof *surplus);
    int64_t *deficit = bx_alloc(ctx, n1 * sizeof *deficit);
    double *cost = bx_alloc(ctx, nv1 * sizeof *cost);
    double *dist = bx_alloc(ctx, nv1 * sizeof *dist);
    size_t *hops = bx_alloc(ctx, nv1 * sizeof *hops);
    unsigned char *done = bx_alloc(ctx, nv1);
    pair *pairs = NULL;
    int *ia = NULL, *ja = NULL;
    double *ar = NULL;
    int64_t *x = NULL, *short_ = NULL;
    bx_status st = BX_OK;
    if (p != NULL)
        memset(p, 0, sizeof *p);
    if (p == NULL || node == NULL || givers == NULL || recv == NULL || surplus == NULL ||
        deficit == NULL || cost == NULL || dist == NULL || hops == NULL || done == NULL) {
        st = BX_ENOMEM;
        goto out;
    }
    if ((st = check_stations(ctx, stations, n, links, node)) != BX_OK)
        goto out;
    p->nstations = n;
    p->stations = bx_alloc(ctx, n1 * sizeof *p->stations);
    p->arrivals = bx_alloc(ctx, n1 * sizeof *p->arrivals);
    p->departures = bx_alloc(ctx, n1 * sizeof *p->departures);
    p->shortfall = bx_alloc(ctx, n1 * sizeof *p->shortfall);
    if (p->stations == NULL || p->arrivals == NULL || p->departures == NULL ||
        p->shortfall == NULL) {
        st = BX_ENOMEM;
        goto out;
    }
    memcpy(p->stations, stations, n * sizeof *stations);
    size_t ng = 0, nr = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t want = stations[i].need + stations[i].safety;
        p->arrivals[i] = p->departures[i] = p->shortfall[i] = 0;
        if (stations[i].stock > want) {
            surplus[ng] = stations[i].stock - want;
            givers[ng++] = i;
        } else if (stations[i].stock < want) {
            deficit[nr] = want - stations[i].stock;
            recv[nr++] = i;
        }
    }
    size_t np = 0;
    if (ng > 0 && nr > 0 &&
        (pairs = bx_alloc(ctx, ng * nr * sizeof *pairs)) == NULL) {
        st = BX_ENOMEM;
        goto out;
    }
    for (size_t gi = 0; gi < ng && nr > 0; gi++) {
        size_t from = givers[gi];
        cheapest_from(node[from], nv, edges, ne, cost, dist, hops, done);
        for (size_t rj = 0; rj < nr; rj++) {
            size_t to = recv[rj];
            if (node[to] != SIZE_MAX && isfinite(cost[node[to]]))
                pairs[np++] = (pair){from, to, cost[node[to]], dist[node[to]], hops[node[to]]};
        }
    }
    size_t nz = 2 * np + 2 * nr + 1;
    ia = bx_alloc(ctx, nz * sizeof *ia);
    ja = bx_alloc(ctx, nz * sizeof *ja);
    ar = bx_alloc(ctx, nz * sizeof *ar);
    x = bx_alloc(ctx, (np ? np : 1) * sizeof *x);
    short_ = bx_alloc(ctx, (nr ? nr : 1) * sizeof *short_);
    if (ia == NULL || ja == NULL || ar == NULL || x == NULL || short_ == NULL) {
        st = BX_ENOMEM;
        goto out;
    }
    if (nr > 0 && (st = solve_lp(ctx, pairs, np, givers, ng, surplus, recv, nr, deficit, ia, ja,
                                 ar, x, short_)) != BX_OK)
        goto out;
    size_t nm = 0;
    for (size_t k = 0; k < np; k++)
        nm += x[k] > 0;
    if ((p->moves = bx_alloc(ctx, (nm ? nm : 1) * sizeof *p->moves)) == NULL) {
        st = BX_ENOMEM;
        goto out;
    }
    for (size_t k = 0; k < np; k++) {
        if (x[k] <= 0)
            continue;
        bx_plan_move *m = &p->moves[p->nmoves++];
        m->from = pairs[k].from;
        m->to = pairs[k].to;
        m->containers = x[k];
        m->distance_km = pairs[k].distance_km;
        m->cost = (double)x[k] * pairs[k].cost;
        m->hops = pairs[k].hops;
        p->departures[m->from] += x[k];
        p->arrivals[m->to] += x[k];
        p->moved += x[k];
        p->cost += m->cost;
        p->distance_km += (double)x[k] * m->distance_km;
    }
    for (size_t rj = 0; rj < nr; rj++) {
        p->shortfall[recv[rj]] = short_[rj];
        p->shortfall_total += short_[rj];
    }
out:
    bx_free(ctx, node);
    bx_free(ctx, givers);
    bx_free(ctx, recv);
    bx_free(ctx, surplus);
    bx_free(ctx, deficit);
    bx_free(ctx, cost);
    bx_free(ctx, dist);
    bx_free(ctx, hops);
    bx_free(ctx, done);
    bx_free(ctx, pairs);
    bx_free(ctx, ia);
    bx_free(ctx, ja);
    bx_free(ctx, ar);
    bx_free(ctx, x);
    bx_free(ctx, short_);
    if (st != BX_OK) {
        bx_plan_free(ctx, p);
        return st;
    }
    *out = p;
    return BX_OK;
}

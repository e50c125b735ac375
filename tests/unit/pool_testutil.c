/*
 * pool_testutil.c: see pool_testutil.h.
 */
#include <string.h>

#include "pool_testutil.h"
#include "testutil.h"

bx_catalog *pt_catalog(bx_ctx *ctx)
{
    bx_box boxes[3];
    for (int i = 0; i < 3; i++)
        bx_box_init(&boxes[i]);
    strcpy(boxes[0].box_id, "3#");
    boxes[0].inner_l_mm = 424, boxes[0].inner_w_mm = 204, boxes[0].inner_h_mm = 258;
    boxes[0].max_weight_g = 10283;
    strcpy(boxes[1].box_id, "crate-pp");
    boxes[1].inner_l_mm = 430, boxes[1].inner_w_mm = 210, boxes[1].inner_h_mm = 260;
    boxes[1].max_weight_g = 15000;
    boxes[1].reusable = true;
    boxes[1].has |= BX_BOX_HAS_REUSABLE;
    strcpy(boxes[2].box_id, "crate-s");
    boxes[2].inner_l_mm = 290, boxes[2].inner_w_mm = 170, boxes[2].inner_h_mm = 180;
    boxes[2].max_weight_g = 8000;
    boxes[2].reusable = true;
    boxes[2].has |= BX_BOX_HAS_REUSABLE;
    bx_catalog *cat = NULL;
    assert_int_equal(bx_catalog_new(ctx, &cat, boxes, 3), BX_OK);
    return cat;
}

static void copy(char *dst, const char *src)
{
    if (src != NULL)
        strcpy(dst, src);
}

bx_pool_event pt_station(int64_t t, const char *station)
{
    bx_pool_event ev;
    bx_pool_event_init(&ev);
    ev.type = BX_EV_STATION;
    ev.time_s = t;
    copy(ev.station_id, station);
    return ev;
}

bx_pool_event pt_ev(bx_pool_event_type type, int64_t t, const char *id)
{
    bx_pool_event ev;
    bx_pool_event_init(&ev);
    ev.type = type;
    ev.time_s = t;
    copy(ev.container_id, id);
    return ev;
}

bx_pool_event pt_register(int64_t t, const char *id, const char *type, const char *station)
{
    bx_pool_event ev = pt_ev(BX_EV_REGISTER, t, id);
    copy(ev.type_id, type);
    copy(ev.station_id, station);
    return ev;
}

bx_pool_event pt_issue(int64_t t, const char *id, const char *station, const char *order)
{
    bx_pool_event ev = pt_ev(BX_EV_ISSUE, t, id);
    copy(ev.station_id, station);
    copy(ev.order_id, order);
    return ev;
}

bx_pool_event pt_return(int64_t t, const char *id, const char *station)
{
    bx_pool_event ev = pt_ev(BX_EV_RETURN, t, id);
    copy(ev.station_id, station);
    return ev;
}

bx_pool_event pt_inspect(int64_t t, const char *id, bool damaged)
{
    bx_pool_event ev = pt_ev(BX_EV_INSPECT, t, id);
    ev.damaged = damaged;
    return ev;
}

void pt_apply(bx_pool *pool, bx_pool_event ev)
{
    bx_status st = bx_pool_apply(pool, &ev, NULL);
    if (st != BX_OK)
        fail_msg("%s %s: %s", bx_pool_event_name(ev.type), ev.container_id,
                 bx_strerror(st));
}

/*
 * gen_parcels.c: see gen_parcels.h.
 */
#include <stdio.h>
#include <string.h>

#include "gen_parcels.h"

static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int below(uint64_t *s, int n)
{
    return (int)(next(s) % (uint64_t)n);
}

void gen_parcels(uint64_t seed, int stops, int n, bx_load_parcel *out)
{
    /* cn-express cartons 1#..8#, outer l x w x h mm */
    static const int32_t sizes[8][3] = {{530, 290, 370}, {530, 230, 290}, {430, 210, 270},
                                        {350, 190, 230}, {290, 170, 190}, {260, 150, 180},
                                        {230, 130, 160}, {210, 110, 140}};
    uint64_t s = seed;
    for (int i = 0; i < n; i++) {
        bx_load_parcel *p = &out[i];
        memset(p, 0, sizeof *p);
        snprintf(p->id, sizeof p->id, "P%04d", i + 1);
        const int32_t *d = sizes[below(&s, 8)];
        memcpy(p->dim_mm, d, sizeof p->dim_mm);
        int64_t vol_cm3 = (int64_t)d[0] * d[1] * d[2] / 1000;
        p->mass_g = vol_cm3 * (80 + below(&s, 171)) / 1000; /* kg/m3 = g/dm3 */
        if (p->mass_g < 1)
            p->mass_g = 1;
        p->stop = (uint32_t)(i < stops ? i + 1 : 1 + below(&s, stops));
        p->rotation = below(&s, 10) < 7 ? BX_ROTATE_UPRIGHT : BX_ROTATE_ANY;
        p->fragile = below(&s, 20) == 0;
        p->max_load_g = !p->fragile && below(&s, 10) == 0 ? 20000 : -1;
    }
}

int gen_parcels_write_csv(const char *path, const bx_load_parcel *p, int n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "id,length_mm,width_mm,height_mm,mass_g,stop,rotation,fragile,max_load_g\n");
    for (int i = 0; i < n; i++) {
        fprintf(f, "%s,%d,%d,%d,%lld,%u,%s,%s,", p[i].id, (int)p[i].dim_mm[0], (int)p[i].dim_mm[1],
                (int)p[i].dim_mm[2], (long long)p[i].mass_g, p[i].stop, bx_rotation_name(p[i].rotation),
                p[i].fragile ? "yes" : "no");
        if (p[i].max_load_g >= 0)
            fprintf(f, "%lld", (long long)p[i].max_load_g);
        fputc('\n', f);
    }
    return fclose(f) == 0 ? 0 : -1;
}

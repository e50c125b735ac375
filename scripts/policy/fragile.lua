-- fragile.lua: room for cushioning around fragile items, and nothing
-- heavier resting on them.
--
-- Padding: a fragile line's units are packed as if pad_mm larger on every
-- side (item_size), so the box chosen has room for the cushioning. The
-- placements and the fill figures of the result are then those of the
-- padded units; a void-ratio policy should use content_volume_mm3, the
-- items' own volume.
--
-- Stacking: the engine itself never places anything on top of a fragile
-- unit. check verifies that for any packing it is given, and reports a
-- unit that rests, directly or higher up, over a fragile unit it
-- outweighs (FRAGILE.STACK), or over one at all when any_load is set
-- (FRAGILE.LOADED).

local policy = {
    name = "fragile",
    version = "1.0",
    params = {
        pad_mm = 20,       -- cushioning on each side of a fragile unit (ASSUMPTION)
        any_load = false,  -- also report lighter units resting on fragile ones
    },
}

local default_pad = policy.params.pad_mm

function policy.assumptions(params)
    if params.pad_mm == default_pad then
        return {"pad_mm = 20: 20 mm of cushioning around each fragile unit, a common "
                .. "thickness of bubble or air-column wrap, not a figure from a standard"}
    end
    return {}
end

function policy.item_size(order, line)
    if not line.fragile then return nil end
    local pad = 2 * policy.params.pad_mm
    return line.l_mm + pad, line.w_mm + pad, line.h_mm + pad
end

-- Does unit a lie above unit b with their footprints overlapping?
local function above(a, b)
    return a.z_mm >= b.z_mm + b.h_mm
        and a.x_mm < b.x_mm + b.l_mm and b.x_mm < a.x_mm + a.l_mm
        and a.y_mm < b.y_mm + b.w_mm and b.y_mm < a.y_mm + a.w_mm
end

function policy.check(order, packing, report)
    for i = 1, #packing do
        local packed = packing[i]
        local n = #packed
        for j = 1, n do
            local below = packed[j]
            if below.fragile then
                for m = 1, n do
                    local top = packed[m]
                    if m ~= j and above(top, below) then
                        if top.weight_g > below.weight_g then
                            report(i, "FRAGILE.STACK", string.format(
                                "unit %d (%s, %d g) rests above fragile unit %d (%s, %d g)",
                                top.load_seq, top.item_id, top.weight_g,
                                below.load_seq, below.item_id, below.weight_g),
                                top.weight_g, below.weight_g)
                        elseif policy.params.any_load then
                            report(i, "FRAGILE.LOADED", string.format(
                                "unit %d (%s) rests above fragile unit %d (%s)",
                                top.load_seq, top.item_id, below.load_seq, below.item_id))
                        end
                    end
                end
            end
        end
    end
end

return policy

-- reuse-first.lua: pack into a reusable container when the destination
-- station accepts returns and one is on hand; cartons otherwise.
--
-- The container pool is a plain availability table that boxcar passes to
-- the hooks (`boxcar pack --available FILE --returns-accepted`, or the
-- containers ready at a station: `--pool JOURNAL --station ID`):
--   pool = {returns_accepted = true|false, available = {[box_id] = n, ...}}
-- It is also the stock of the reusable box types, so the engine never
-- uses more containers than are on hand.
--
--   eligible          a reusable type only when returns are accepted and
--                     the pool has one; cartons always.
--   box_cost          the engine's objective after the box count: a
--                     reusable box counts reuse_factor times its volume,
--                     so one is preferred to any carton up to 1/reuse_factor
--                     times smaller, never at the price of an extra box.
--   choose_container  takes the container from the pool entry of its own
--                     type (boxcar counts it off).
--
-- What this does not know yet: which station an order goes to (orders
-- carry no destination: --returns-accepted holds for the whole batch).

local policy = {
    name = "reuse-first",
    version = "1.0",
    params = {
        reuse_factor = 0.25,  -- weight of a reusable box's volume (ASSUMPTION)
    },
}

function policy.assumptions(params)
    if params.reuse_factor == 0.25 then
        return {"reuse_factor = 0.25: a reusable container is preferred to a carton of "
                .. "up to 4 times less volume; a judgement, not a measured break-even"}
    end
    return {}
end

local function on_hand(pool, box)
    return pool ~= nil and pool.returns_accepted
        and (pool.available[box.id] or 0) > 0
end

function policy.eligible(order, box, pool)
    if box.reusable then return on_hand(pool, box) end
    return true
end

function policy.box_cost(order, box, pool)
    local v = box.inner_volume_mm3
    if box.reusable then return v * policy.params.reuse_factor end
    return v
end

function policy.choose_container(order, packed, pool)
    if on_hand(pool, packed.box) then return packed.box.id end
    return nil
end

return policy

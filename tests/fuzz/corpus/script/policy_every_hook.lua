-- Every policy hook, each reading a few fields of what it is given.
local policy = {name = "every-hook", version = "0", params = {pad = 5, cap = 3},
                assumptions = {"pad = 5: made up"}, max_candidates = 3}

function policy.eligible(order, box, pool)
    if pool and box.reusable then return pool.available[box.id] ~= 0 end
    return box.inner_l_mm > 0 and order.id ~= "" and (box.stock or 1) > 0
end

function policy.item_size(order, line)
    if line.qty > policy.params.cap or line.fragile then return nil end
    return line.l_mm + policy.params.pad, line.w_mm, line.h_mm
end

function policy.box_cost(order, box, pool)
    return box.tare_g + (box.reusable and 0 or 1) + (box.cost or 0)
end

function policy.score(order, packing)
    local s = packing.n_boxes
    for i = 1, #packing do
        local p = packing[i]
        s = s + p.gross_weight_g + #p
        for j = 1, #p do s = s + p[j].z_mm end
    end
    return s
end

function policy.check(order, packing, report)
    for i = 1, #packing do
        if packing[i].fill_pct < 10 then report(i, "X.FILL", "low fill", packing[i].fill_pct, 10) end
    end
    report(0, "X.ORDER", order.id .. " " .. order[1].item_id)
end

function policy.choose_container(order, packed_box, pool)
    local id = packed_box.box.id
    if (pool.available[id] or 0) > 0 then return id end
    return nil
end

return policy

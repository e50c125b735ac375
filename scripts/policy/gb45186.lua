-- gb45186.lua: GB 45186-2024 《限制快递过度包装要求》 (Requirements for
-- restricting excessive express packaging; in force from 2026-07-01).
--
-- The standard judges non-reusable express packaging by three indicators:
-- how well the box fits its contents (void ratio), how many layers of
-- packaging there are, and how much sealing tape is used. Its numeric
-- limits were NOT available when this policy was written, nor found in a
-- primary source (the standard's text or the SAMR notice) when checked
-- again for carton-set design; summaries of the notice name the three
-- indicators without their figures. Every limit is
-- therefore a parameter, and every default below is an ASSUMPTION, marked
-- as such here, in policy.assumptions (printed by `boxcar pack` and
-- `boxcar check --policy`) and in every violation message that relies on
-- one. Replace them with the published figures:
--
--   boxcar pack --policy scripts/policy/gb45186.lua --param void_max=0.35 ...
--
-- Void ratio. By analogy with GB 23350-2021 (restricting excessive
-- packaging of food and cosmetics), X = (Vn - k * V0) / Vn, with Vn the
-- package volume, V0 the contents' volume and k the necessary-space
-- coefficient. For a parcel: void = 1 - k * sum(item volume) / box inner
-- volume, the item volumes being the items' own (content_volume_mm3, not
-- any padding a fragile policy adds).
--
-- Layers. boxcar knows the box, not the retail packaging inside it: the
-- express packaging is the box (1 layer), plus a protective wrap for
-- fragile items when fragile_wrap is set, plus inner_layers added by the
-- station's process.
--
-- Sealing tape. Estimated from the box's outer size for a regular slotted
-- carton whose flaps meet along its length: the "I" pattern is one strip
-- along the top seam and one along the bottom, each running down the two
-- end faces by tab_mm; "cross" adds a strip across the width on top and
-- bottom; "double" is two strips each way (the 井 pattern). The limit is
-- a multiple of the box's outer perimeter 2 * (L + W).
--
-- Reusable containers are outside the standard's scope: they are skipped.

local policy = {
    name = "gb45186",
    version = "1.0",
    params = {
        k = 1.0,              -- necessary-space coefficient (ASSUMPTION)
        void_max = 0.40,      -- highest void ratio allowed (ASSUMPTION)
        layers_max = 2,       -- most packaging layers allowed (ASSUMPTION)
        inner_layers = 0,     -- layers the station adds inside the box
        fragile_wrap = true,  -- fragile items get a protective wrap (a layer)
        tape_pattern = "I",   -- "I", "cross" or "double"
        tab_mm = 50,          -- how far a strip runs down a face (ASSUMPTION)
        tape_max_per_perimeter = 2.0, -- tape limit / outer perimeter (ASSUMPTION)
        wall_mm = 3,          -- board thickness when the catalog has no outer size
        prefer_compliance = true, -- score: fewer non-compliant boxes first
    },
}

-- Defaults that are guesses, with the reason for each. Shown with every
-- output that uses them; a default the user overrode is no longer one.
local guesses = {
    k = "k = 1.0: no credit for necessary space (the standard's coefficient "
        .. "was not available); overstates the void ratio if the standard allows some",
    void_max = "void_max = 0.40: a middle value of our choosing, not from any "
        .. "standard's text (GB 23350-2021 limits void ratio by product category); "
        .. "GB 45186's own limit was not available",
    layers_max = "layers_max = 2: an outer box and one protective layer, our choice; "
        .. "GB 45186's own limit was not available",
    tab_mm = "tab_mm = 50: tape running 50 mm down each end face, common practice "
        .. "for cartons of this size, not a figure from the standard",
    tape_max_per_perimeter = "tape_max_per_perimeter = 2.0: passes the I and cross "
        .. "patterns on every cn-express carton (cross needs at most 1.95, on 12#) and "
        .. "fails the double (井) pattern (2.49 at least); GB 45186's tape limit was not "
        .. "available",
}
local defaults = {}
for key, value in pairs(policy.params) do defaults[key] = value end

function policy.assumptions(params)
    local list = {}
    for _, key in ipairs({"k", "void_max", "layers_max", "tab_mm", "tape_max_per_perimeter"}) do
        if params[key] == defaults[key] then list[#list + 1] = guesses[key] end
    end
    return list
end

-- " (assumed)" after a figure whose parameter is still a default guess.
local function mark(key)
    if guesses[key] and policy.params[key] == defaults[key] then return " (assumed)" end
    return ""
end

local function pct(x) return string.format("%.1f %%", 100 * x) end

-- void = 1 - k * contents / inner volume, never below 0
local function void_ratio(packed)
    local v = 1 - policy.params.k * packed.content_volume_mm3 / packed.inner_volume_mm3
    if v < 0 then v = 0 end
    return v
end

local function layers(order)
    local p = policy.params
    local n = 1 + p.inner_layers
    if p.fragile_wrap and order.has_fragile then n = n + 1 end
    return n
end

local function outer(box)
    local wall = 2 * policy.params.wall_mm
    return box.outer_l_mm or (box.inner_l_mm + wall),
           box.outer_w_mm or (box.inner_w_mm + wall),
           box.outer_h_mm or (box.inner_h_mm + wall)
end

-- Estimated tape in mm for a box, by pattern.
local function tape_mm(box)
    local p = policy.params
    local l, w, h = outer(box)
    local tab = math.min(p.tab_mm, h)
    local along = 2 * (l + 2 * tab)   -- top and bottom seams
    local across = 2 * (w + 2 * tab)  -- one strip across, top and bottom
    if p.tape_pattern == "I" then return along
    elseif p.tape_pattern == "cross" then return along + across
    elseif p.tape_pattern == "double" then return 2 * (along + across)
    end
    error("tape_pattern must be I, cross or double, not " .. tostring(p.tape_pattern))
end

local function tape_limit_mm(box)
    local l, w = outer(box)
    return policy.params.tape_max_per_perimeter * 2 * (l + w)
end

-- Per box: the GB 45186 verdicts, each with value, limit and a message.
function policy.check(order, packing, report)
    local p = policy.params
    local n_layers = layers(order)
    for i = 1, #packing do
        local packed = packing[i]
        local box = packed.box
        if not box.reusable then
            local void = void_ratio(packed)
            if void > p.void_max then
                report(i, "GB45186.VOID", string.format(
                    "void ratio %s > %s%s by %.1f points; k = %.2f%s",
                    pct(void), pct(p.void_max), mark("void_max"),
                    100 * (void - p.void_max), p.k, mark("k")), void, p.void_max)
            end
            if n_layers > p.layers_max then
                report(i, "GB45186.LAYERS", string.format("%d packaging layers > %d%s",
                    n_layers, p.layers_max, mark("layers_max")), n_layers, p.layers_max)
            end
            local tape, limit = tape_mm(box), tape_limit_mm(box)
            if tape > limit then
                report(i, "GB45186.TAPE", string.format(
                    "about %.2f m of sealing tape (%s pattern, %d mm tabs%s) > %.2f m%s "
                    .. "by %.2f m", tape / 1000, p.tape_pattern, p.tab_mm, mark("tab_mm"),
                    limit / 1000, mark("tape_max_per_perimeter"), (tape - limit) / 1000),
                    tape, limit)
            end
        end
    end
end

-- Among the engine's candidates (its fewest boxes first, then more,
-- smaller ones): the fewest boxes over the void limit; then the fewest
-- boxes; then the least box volume. So an order is split into more boxes
-- only when that leaves fewer of them non-compliant. With
-- prefer_compliance off the fewest boxes always win, as without a score.
function policy.score(order, packing)
    local over, litres = 0, 0
    for i = 1, #packing do
        local packed = packing[i]
        litres = litres + packed.inner_volume_mm3 / 1e6
        if not packed.box.reusable and void_ratio(packed) > policy.params.void_max then
            over = over + 1
        end
    end
    if not policy.params.prefer_compliance then over = 0 end
    return over * 1e9 + #packing * 1e6 + litres
end

return policy

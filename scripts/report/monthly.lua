-- monthly.lua: the sustainability team's monthly carbon workbook, from the
-- results of one `boxcar carbon` run (or of `boxcar merge` over shards):
--
--   boxcar carbon --routes R --shipments S -o per-shipment.csv --totals totals.csv
--   boxcar report --script scripts/report/monthly.lua --shipments per-shipment.csv \
--       --totals totals.csv [--factors SET] -o month.xlsx
--
-- "Summary": WTW and TTW by month, by transport mode, by route and by
-- packaging, and packaging vs transport vs hubs, each with a chart, then
-- the limits of these figures (the WTW with no WTT/TTW split, whose TTW is
-- unknown; the set's UNCONFIRMED packaging and other factors). Every
-- figure comes from the totals file, whose integer milligrams are the
-- carbon run's exact sums (shown as kg). The per-shipment file is read once
-- to check that it is the run the totals are of (shipments, WTW and TTW to
-- the milligram, factor set and version) and to count the data-quality and
-- method mix. "Shipments" has every shipment, one row each, streamed.
-- "Method" states the methodology, the factor set with its sources and the
-- factors it marks UNCONFIRMED or off its basis (when the host gives
-- data.factors), the notes the host passes, and the data-quality mix.

local report = {
    name = "monthly",
    version = "1.0",
    params = {
        title = "Carbon report",   -- the summary's heading
        max_listed = 500,          -- assumption rows listed at most
        factor_columns = false,    -- repeat the factor set and version on every
                                   -- shipment row (all rows are checked to be
                                   -- of the one set either way)
    },
}

local KG = '#,##0.000 "kg"'
local G = '#,##0.000 "g"'
local COUNT = "#,##0"
local SHARE = "0.0%"

-- Modes in the order of docs/carbon.md, then the non-transport parts.
local MODE_ORDER = {road = 1, rail = 2, air = 3, sea = 4, iww = 5, hub = 6, packaging = 7}
local MODE_LABEL = {hub = "hubs", packaging = "packaging"}

local function kg(mg)
    if mg == nil then return nil end
    return mg / 1e6
end

local function share(part, whole)
    if whole > 0 then return part / whole end
    return 0
end

local function need_columns(src, what, names)
    local have = {}
    for _, c in ipairs(src.columns) do have[c] = true end
    for _, c in ipairs(names) do
        if not have[c] then
            -- level 2: the line that asked for the columns
            error(string.format("%s: not %s: its header has no column '%s'", src.file, what,
                  c), 2)
        end
    end
    return have
end

-- The totals file: one row per group and key, integer mg.
local function read_totals(src)
    need_columns(src, "a totals file of boxcar carbon",
                 {"group", "key", "factor_set", "factor_version"})
    local t = {all = nil, month = {}, mode = {}, route = {}, packaging = {}}
    local set, version
    for row in src:rows() do
        local g, k = row.group, row.key
        if g == nil or k == nil then
            error(string.format("%s: a row without group or key", src.file))
        end
        local r = {key = k}
        for _, c in ipairs({"shipments", "transport_wtt_mg", "transport_ttw_mg",
                            "transport_wtw_mg", "hub_wtw_mg", "hub_wtt_mg", "hub_ttw_mg",
                            "packaging_mg", "total_wtt_mg", "total_ttw_mg", "total_wtw_mg",
                            "excluded"}) do
            r[c] = row[c] or 0
        end
        if set == nil then
            set, version = row.factor_set, row.factor_version
        elseif row.factor_set ~= set or row.factor_version ~= version then
            error(string.format("%s: rows of two factor sets (%s %s and %s %s)", src.file,
                  tostring(set), tostring(version), tostring(row.factor_set),
                  tostring(row.factor_version)))
        end
        if g == "all" then
            if t.all then error(src.file .. ": two 'all' rows") end
            t.all = r
        elseif t[g] then
            local list = t[g]
            list[#list + 1] = r
        end
    end
    if t.all == nil then
        error(src.file .. ": no 'all' row: not a totals file of boxcar carbon")
    end
    t.set, t.version = set, version
    -- each group must add up to the whole (the mode group by emissions only:
    -- a shipment counts under every part it has)
    for _, g in ipairs({"month", "route", "packaging", "mode"}) do
        local wtw, n = 0, 0
        for _, r in ipairs(t[g]) do
            wtw = wtw + r.total_wtw_mg
            n = n + r.shipments
        end
        if #t[g] > 0 and (wtw ~= t.all.total_wtw_mg
                          or (g ~= "mode" and n ~= t.all.shipments)) then
            error(string.format("%s: the '%s' rows do not add up to the 'all' row "
                  .. "(%.0f mg WTW in %.0f shipments; 'all' has %.0f mg in %.0f)", src.file, g,
                  wtw, n, t.all.total_wtw_mg, t.all.shipments))
        end
    end
    return t
end

-- One pass over the per-shipment results: the check against the totals,
-- and the data-quality and method mix.
local function read_shipments(src, totals)
    need_columns(src, "a per-shipment result file of boxcar carbon",
                 {"shipment_id", "method", "data_quality", "factor_set", "factor_version"})
    local n, wtw_mg, ttw_mg = 0, 0, 0
    local dq, dq_order, methods, method_order = {}, {}, {}, {}
    local floor = math.floor
    local set, version = totals.set, totals.version
    for row in src:rows() do
        n = n + 1
        local w, t = row.total_wtw_g, row.total_ttw_g
        if w == nil or t == nil then
            error(string.format("%s: shipment '%s': total_wtw_g and total_ttw_g are needed",
                  src.file, tostring(row.shipment_id)))
        end
        -- the file has grams with three decimals: whole milligrams
        wtw_mg = wtw_mg + floor(w * 1000 + 0.5)
        ttw_mg = ttw_mg + floor(t * 1000 + 0.5)
        local q = row.data_quality or "(none)"
        local c = dq[q]
        if c == nil then dq_order[#dq_order + 1] = q; c = 0 end
        dq[q] = c + 1
        local m = row.method or "(none)"
        c = methods[m]
        if c == nil then method_order[#method_order + 1] = m; c = 0 end
        methods[m] = c + 1
        if row.factor_set ~= set or row.factor_version ~= version then
            error(string.format("%s: shipment '%s' was computed with factor set %s %s; the "
                  .. "totals are of %s %s", src.file, tostring(row.shipment_id),
                  tostring(row.factor_set), tostring(row.factor_version), tostring(set),
                  tostring(version)))
        end
    end
    local all = totals.all
    if n ~= all.shipments or wtw_mg ~= all.total_wtw_mg or ttw_mg ~= all.total_ttw_mg then
        error(string.format("%s and the totals do not match: %d shipments, %d mg WTW, %d mg "
              .. "TTW against %.0f, %.0f and %.0f: give the totals of the same run",
              src.file, n, wtw_mg, ttw_mg, all.shipments, all.total_wtw_mg, all.total_ttw_mg))
    end
    table.sort(dq_order)
    table.sort(method_order, function(a, b)
        if methods[a] ~= methods[b] then return methods[a] > methods[b] end
        return a < b
    end)
    return {n = n, dq = dq, dq_order = dq_order, methods = methods,
            method_order = method_order}
end

-- The factor set's file: its set row, its sources, and what it marks.
local function read_factors(src, totals, max_listed)
    local has = need_columns(src, "a factor set file",
                             {"kind", "id", "confirmed", "source", "version"})
    local f = {sources = {}, source_order = {}, flagged = {}, flagged_total = 0,
               unconfirmed = {material = {}, other = {}}}
    for row in src:rows() do
        -- basis and note are optional columns of a factor set
        local basis = has.basis and row.basis or nil
        local note = has.note and row.note or nil
        if row.kind == "set" then
            f.id, f.version, f.basis = row.id, row.version, basis
            f.source, f.note = row.source, note
        else
            local key = (row.source or "") .. "\0" .. (row.version or "")
            local s = f.sources[key]
            if s == nil then
                s = {source = row.source, version = row.version, rows = 0}
                f.sources[key] = s
                f.source_order[#f.source_order + 1] = key
            end
            s.rows = s.rows + 1
            local why = nil
            if row.confirmed == "no" then
                why = "UNCONFIRMED: not confirmed in a primary document"
                local u = f.unconfirmed[row.kind == "material" and "material" or "other"]
                if #u < max_listed then u[#u + 1] = row.id end
            end
            if basis and f.basis and basis ~= f.basis then
                local b = "on basis " .. basis .. ", not the set's " .. f.basis
                why = why and (why .. "; " .. b) or b
            end
            if why then
                f.flagged_total = f.flagged_total + 1
                if #f.flagged < max_listed then
                    f.flagged[#f.flagged + 1] = {row.kind, row.id, why, row.source, note}
                end
            end
        end
    end
    if f.id ~= totals.set or f.version ~= totals.version then
        error(string.format("%s is factor set %s %s; the results are of %s %s", src.file,
              tostring(f.id), tostring(f.version), tostring(totals.set),
              tostring(totals.version)))
    end
    return f
end

-- The first sheet says what its figures cannot show: the WTW that has no
-- WTT/TTW split (its TTW is unknown, not zero) and the factors of the set
-- that are not confirmed in a primary document.
local function limits(s, t, f)
    local all = t.all
    s:heading("Limits of these figures")
    local unsplit = all.total_wtw_mg - all.total_wtt_mg - all.total_ttw_mg
    -- integer milligrams, shown exactly as kg with six decimals
    s:text(string.format("%d.%06d kg of the WTW (%.1f %%) comes from factors given as WTW "
        .. "only (packaging, hub medians, defaults without a published split): its WTT and "
        .. "TTW are unknown, not zero, so the WTT and TTW above are lower bounds.",
        unsplit // 1000000, unsplit % 1000000, 100 * share(unsplit, all.total_wtw_mg)))
    if f == nil then
        s:text("Without the factor set (--factors) this report cannot say which factors are "
            .. "UNCONFIRMED.")
        return
    end
    if #f.unconfirmed.material > 0 then
        s:text("Packaging: the material factors " .. table.concat(f.unconfirmed.material, ", ")
            .. " are UNCONFIRMED: no primary source for them was found, so every packaging "
            .. "figure rests on factors not confirmed in a primary document.")
    end
    if #f.unconfirmed.other > 0 then
        s:text("Also UNCONFIRMED in the set: " .. table.concat(f.unconfirmed.other, ", ")
            .. " (see the Method sheet).")
    end
end

local function summary(s, t, sh, data)
    local all = t.all
    s:heading(report.params.title)
    s:text(string.format("%s: %.0f shipments, %s kg CO2e well-to-wheel; factor set %s "
        .. "version %s (every shipment's). Figures are the carbon run's totals (%s), exact to "
        .. "the milligram.",
        data.shipments.file, all.shipments, string.format("%.3f", all.total_wtw_mg / 1e6),
        t.set, t.version, data.totals.file))
    if all.excluded > 0 then
        s:text(string.format("%.0f shipment%s excluded as bad input by the carbon run: "
            .. "%s in no figure.", all.excluded, all.excluded == 1 and " was" or "s were",
            all.excluded == 1 and "it is" or "they are"))
    end
    for _, note in ipairs(data.notes) do s:text("Note: " .. note) end

    -- totals rows carry the totals file's exact figures: a sum of the
    -- rounded kg cells could be an ulp off them
    local function exact(mg) return {value = kg(mg)} end
    local parts = s:table{
        title = "Packaging, transport and hubs",
        columns = {
            {"Part", width = 14, total = {label = "Total"}},
            {"WTW", format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {"TTW", format = KG, width = 18, total = exact(all.total_ttw_mg)},
            {"WTT", format = KG, width = 18, total = exact(all.total_wtt_mg)},
            {"Share of WTW", format = SHARE,
             total = {value = all.total_wtw_mg > 0 and 1 or 0}},
        },
    }
    parts:row("transport", kg(all.transport_wtw_mg), kg(all.transport_ttw_mg),
              kg(all.transport_wtt_mg), share(all.transport_wtw_mg, all.total_wtw_mg))
    parts:row("hubs", kg(all.hub_wtw_mg), kg(all.hub_ttw_mg), kg(all.hub_wtt_mg),
              share(all.hub_wtw_mg, all.total_wtw_mg))
    parts:row("packaging", kg(all.packaging_mg), nil, nil,
              share(all.packaging_mg, all.total_wtw_mg))
    s:text("Packaging is a life-cycle figure with no WTT/TTW split; factors given as WTW "
        .. "only count in WTW alone, so WTT + TTW can be less than WTW.")
    if all.total_wtw_mg > 0 then
        s:chart{type = "pie", table = parts, title = "WTW: packaging, transport and hubs",
                categories = 1, values = 2}
    end

    local m = s:table{
        title = "By month",
        columns = {
            {"Month", total = {label = "Total"}},
            {"Shipments", format = COUNT, total = {value = all.shipments}},
            {"WTW", format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {"TTW", format = KG, width = 18, total = exact(all.total_ttw_mg)},
            {"WTT", format = KG, width = 18, total = exact(all.total_wtt_mg)},
            {"WTW per shipment", format = G, width = 18},
        },
    }
    for _, r in ipairs(t.month) do
        m:row(r.key, r.shipments, kg(r.total_wtw_mg), kg(r.total_ttw_mg),
              kg(r.total_wtt_mg), share(r.total_wtw_mg, r.shipments) / 1000)
    end
    if #t.month > 0 then
        s:chart{type = #t.month > 2 and "line" or "column", table = m,
                title = "WTW and TTW by month", categories = 1, values = {3, 4},
                x_title = "month", y_title = "kg CO2e"}
    end

    table.sort(t.mode, function(a, b)
        local oa, ob = MODE_ORDER[a.key] or 99, MODE_ORDER[b.key] or 99
        if oa ~= ob then return oa < ob end
        return a.key < b.key
    end)
    local md = s:table{
        title = "By mode (a shipment counts under every part it has)",
        columns = {
            {"Mode", total = {label = "Total"}},
            {"Shipments", format = COUNT},
            {"WTW", format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {"TTW", format = KG, width = 18, total = exact(all.total_ttw_mg)},
            {"WTT", format = KG, width = 18, total = exact(all.total_wtt_mg)},
        },
    }
    for _, r in ipairs(t.mode) do
        md:row(MODE_LABEL[r.key] or r.key, r.shipments, kg(r.total_wtw_mg),
               kg(r.total_ttw_mg), kg(r.total_wtt_mg))
    end
    if #t.mode > 0 then
        s:chart{type = "bar", table = md, title = "WTW and TTW by mode", categories = 1,
                values = {3, 4}, x_title = "mode", y_title = "kg CO2e"}
    end

    local rt = s:table{
        title = "By route",
        columns = {
            {"Route", width = 20, total = {label = "Total"}},
            {"Shipments", format = COUNT, total = {value = all.shipments}},
            {"WTW", format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {"TTW", format = KG, width = 18, total = exact(all.total_ttw_mg)},
            {"WTW per shipment", format = G, width = 18},
        },
    }
    for _, r in ipairs(t.route) do
        rt:row(r.key, r.shipments, kg(r.total_wtw_mg), kg(r.total_ttw_mg),
               share(r.total_wtw_mg, r.shipments) / 1000)
    end
    if #t.route > 0 then
        s:chart{type = "bar", table = rt, title = "WTW and TTW by route", categories = 1,
                values = {3, 4}, x_title = "route", y_title = "kg CO2e"}
    end

    local pk = s:table{
        title = "By packaging",
        columns = {
            {"Packaging", width = 20, total = {label = "Total"}},
            {"Shipments", format = COUNT, total = {value = all.shipments}},
            {"Packaging CO2e", format = KG, width = 18, total = exact(all.packaging_mg)},
            {"WTW", format = KG, width = 18, total = exact(all.total_wtw_mg)},
            {"Packaging per shipment", format = G, width = 18},
        },
    }
    for _, r in ipairs(t.packaging) do
        pk:row(r.key, r.shipments, kg(r.packaging_mg), kg(r.total_wtw_mg),
               share(r.packaging_mg, r.shipments) / 1000)
    end
    if #t.packaging > 0 then
        s:chart{type = "column", table = pk, title = "Packaging CO2e by packaging",
                categories = 1, values = 3, x_title = "packaging", y_title = "kg CO2e"}
    end
end

local METHOD_TEXT = {
    "Emissions are computed per shipment along its transport chain under ISO 14083:2023 "
        .. "and the GLEC Framework v3 (boxcar carbon; see docs/carbon.md).",
    "WTW (well-to-wheel) = WTT (well-to-tank: producing and supplying the energy) + TTW "
        .. "(tank-to-wheel: using it in the vehicle or hub), all as CO2e on the factor set's "
        .. "warming-potential basis.",
    "Transport: default intensities (shipment t x km x distance adjustment x g/tkm) where "
        .. "no primary data is given; fuel-based and multi-drop shares of metered runs where "
        .. "it is. Hubs: per tonne outbound, per item, or metered energy shared by the hub's "
        .. "throughput.",
    "Packaging: the shipper's packaging materials cradle-to-gate (material mass x factor), "
        .. "plus end of life where the set has a factor for it; a reusable container counts "
        .. "(manufacture + end of life) / trips + washing per trip + its empty return leg per "
        .. "trip. Packaging has no WTT/TTW split: it counts in WTW only.",
    "The mass of a shipment is its gross mass (items and the shipper's packaging), not the "
        .. "carrier's pallets or containers.",
    "Each shipment's figures are rounded once to the milligram; every total is the exact "
        .. "sum of its shipments.",
    "Data quality (ISO 14083): primary (measured for this operation), modelled, or default "
        .. "(published default values); a shipment's class is the worst of its inputs.",
}

local function method(s, t, sh, f, data)
    s:heading("Method")
    for _, line in ipairs(METHOD_TEXT) do s:text(line) end

    local fs = s:table{
        title = "Factor set",
        columns = {{"", width = 16}, {"", width = 100}},
    }
    fs:row("id", t.set)
    fs:row("version", t.version)
    if f then
        fs:row("basis", f.basis)
        fs:row("source", f.source)
        fs:row("note", f.note)
        fs:row("file", data.factors.file)
    else
        s:text("The factor set's file was not given to the report (boxcar report --factors "
            .. "SET): its sources and assumptions are not listed here; 'boxcar factors show "
            .. tostring(t.set) .. "' lists them.")
    end

    if f then
        local src = s:table{
            title = "Sources of the factors",
            columns = {{"Source", width = 70}, {"Version", width = 24},
                       {"Factors", format = COUNT, total = "sum"}},
        }
        for _, key in ipairs(f.source_order) do
            local e = f.sources[key]
            src:row(e.source, e.version, e.rows)
        end
        s:heading("Assumptions")
        s:text("Factors of the set that are UNCONFIRMED (not confirmed in a primary "
            .. "document) or not on its basis. A run uses a subset of them; 'boxcar carbon' "
            .. "lists the ones it used at the end of its run.")
        if f.flagged_total > #f.flagged then
            s:text(string.format("The first %d of %d such factors.", #f.flagged,
                   f.flagged_total))
        end
        local a = s:table{
            columns = {{"Kind"}, {"Factor", width = 28}, {"Why", width = 60},
                       {"Source", width = 50}, {"Note", width = 80}},
        }
        for _, r in ipairs(f.flagged) do a:row(r[1], r[2], r[3], r[4], r[5]) end
        if #f.flagged == 0 then a:row("none") end
    end
    for _, note in ipairs(data.notes) do s:text("Note: " .. note) end

    local q = s:table{
        title = "Data-quality mix (shares of shipments)",
        columns = {{"Data quality", total = {label = "Total"}},
                   {"Shipments", format = COUNT, total = "sum"},
                   {"Share", format = SHARE, total = {value = sh.n > 0 and 1 or 0}}},
    }
    for _, k in ipairs(sh.dq_order) do q:row(k, sh.dq[k], share(sh.dq[k], sh.n)) end
    if sh.n > 0 then
        s:chart{type = "pie", table = q, title = "Data-quality mix", categories = 1,
                values = 2}
    end

    local mt = s:table{
        title = "Methods used",
        columns = {{"Method", width = 36, total = {label = "Total"}},
                   {"Shipments", format = COUNT, total = "sum"},
                   {"Share", format = SHARE, total = {value = sh.n > 0 and 1 or 0}}},
    }
    for _, k in ipairs(sh.method_order) do
        mt:row(k, sh.methods[k], share(sh.methods[k], sh.n))
    end
end

function report.build(data, book)
    if data.shipments == nil or data.totals == nil then
        error("monthly.lua needs data.shipments and data.totals (boxcar report --shipments "
            .. "PER_SHIPMENT.csv --totals TOTALS.csv)")
    end
    local max_listed = report.params.max_listed
    if math.type(max_listed) ~= "integer" or max_listed < 0 then
        error("max_listed must be a whole number >= 0, not " .. tostring(max_listed))
    end
    local t = read_totals(data.totals)
    local f = data.factors and read_factors(data.factors, t, max_listed)
    local sh = read_shipments(data.shipments, t)

    book:title(string.format("%s: %s", report.params.title, data.shipments.file))
    local first = book:sheet("Summary")
    summary(first, t, sh, data)
    limits(first, t, f)
    local detail = {
        {"Shipment", field = "shipment_id", width = 16},
        {"Route", field = "route_id", width = 18},
        {"Transport WTW", field = "transport_wtw_g", format = G, width = 16},
        {"Transport TTW", field = "transport_ttw_g", format = G, width = 16},
        {"Hubs WTW", field = "hub_wtw_g", format = G, width = 14},
        {"Packaging", field = "packaging_g", format = G, width = 14},
        {"Total WTW", field = "total_wtw_g", format = G, width = 16},
        {"Total TTW", field = "total_ttw_g", format = G, width = 16},
        {"Method", field = "method", width = 30},
        {"Data quality", field = "data_quality", width = 12},
    }
    -- read_shipments has checked that every row is of the totals' set and
    -- version, which the summary and method sheets state: repeating them on
    -- every row costs about a sixth of a large workbook's writing time
    if report.params.factor_columns then
        detail[#detail + 1] = {"Factor set", field = "factor_set", width = 12}
        detail[#detail + 1] = {"Version", field = "factor_version", width = 10}
    end
    book:detail("Shipments", data.shipments, detail)
    method(book:sheet("Method"), t, sh, f, data)
end

return report

-- make_demo.lua: generate samples/orders/demo.csv, a deterministic mix of
-- e-commerce orders for the demo and the benchmarks.
--
--   lua5.4 samples/orders/make_demo.lua > samples/orders/demo.csv
--   lua5.4 samples/orders/make_demo.lua --stats > /dev/null   (mix on stderr)
--
-- Reproducible on every platform: Lua 5.4's math.random is xoshiro256**
-- seeded from an integer, only integer draws are used, products live in
-- arrays (never iterated as hash tables), and every number is printed as an
-- integer. Dimensions are the item's (or its retail packaging's) l x w x h in
-- mm with h vertical, weights in g per unit; they are typical figures from
-- product listings, not measurements of any one product.

math.randomseed(20261122)

local N_ORDERS = 400
local MAX_UNITS = 30

-- The largest box of samples/catalogs/cn-express.csv (1#): every unit must
-- fit it in an orientation its rotation rule allows and weigh less than its
-- gross limit. Keep in step with that file.
local BIG = { l = 524, w = 284, h = 358, max_weight_g = 15496 }

-- Products: {item_id, l, w, h, weight_g, rotation, fragile, alone, pop}.
-- pop is a relative popularity; "cat" groups them so that an order usually
-- stays within one kind of shop, as real baskets do.
local catalog = {
  { cat = "apparel", items = {
    { "TEE-BLK-M", 300, 220, 20, 180, "any", 0, 0, 6 },   -- folded in polybag
    { "TEE-BLK-L", 300, 220, 22, 195, "any", 0, 0, 5 },
    { "TEE-WHT-M", 300, 220, 20, 180, "any", 0, 0, 5 },
    { "TEE-NVY-XL", 310, 230, 24, 215, "any", 0, 0, 3 },
    { "JEANS-W30", 350, 280, 45, 640, "any", 0, 0, 3 },
    { "JEANS-W32", 350, 280, 48, 670, "any", 0, 0, 4 },
    { "JEANS-W34", 350, 280, 50, 700, "any", 0, 0, 2 },
    -- down jacket vacuum-packed in a compression bag
    { "DOWN-JKT-M", 380, 280, 110, 920, "any", 0, 0, 2 },
    { "DOWN-JKT-L", 390, 290, 120, 980, "any", 0, 0, 2 },
    { "SOCKS-5P-GRY", 220, 110, 40, 250, "any", 0, 0, 5 },
    { "SOCKS-5P-BLK", 220, 110, 40, 250, "any", 0, 0, 4 },
  } },
  { cat = "cosmetics", items = {
    { "LIPSTICK-R01", 85, 25, 25, 45, "any", 0, 0, 4 },   -- in its carton
    { "LIPSTICK-R05", 85, 25, 25, 45, "any", 0, 0, 3 },
    { "LIPSTICK-N12", 85, 25, 25, 45, "any", 0, 0, 2 },
    -- 30 ml glass dropper bottle: liquid, so upright; glass, so fragile
    { "SERUM-30ML", 42, 42, 118, 150, "upright", 1, 0, 5 },
    { "CREAM-50ML", 72, 72, 62, 210, "upright", 1, 0, 3 }, -- glass jar
    { "TONER-200ML", 62, 45, 175, 265, "upright", 0, 0, 3 }, -- PET bottle
    { "MASK-10P", 190, 130, 30, 280, "any", 0, 0, 3 },    -- sheet masks
  } },
  { cat = "books", items = {} },   -- filled below from title formats
  { cat = "electronics", items = {
    { "PHONE-128G", 170, 90, 60, 480, "any", 0, 0, 2 },   -- retail box
    { "PHONE-256G", 170, 90, 60, 490, "any", 0, 0, 1 },
    { "EARBUDS", 105, 100, 48, 160, "any", 0, 0, 5 },
    { "POWERBANK-10K", 150, 72, 28, 260, "any", 0, 0, 4 },
    { "POWERBANK-20K", 162, 82, 34, 430, "any", 0, 0, 3 },
    { "CHARGER-65W", 95, 92, 45, 170, "any", 0, 0, 5 },
    { "CABLE-USBC", 120, 90, 20, 60, "any", 0, 0, 4 },
    { "WATCH", 118, 118, 92, 340, "any", 0, 0, 2 },       -- smartwatch box
  } },
  { cat = "household", items = {
    { "MUG-WHT", 125, 95, 105, 390, "any", 1, 0, 3 },     -- boxed ceramic
    { "MUG-BLU", 125, 95, 105, 390, "any", 1, 0, 2 },
    -- 500 ml trigger spray: liquid, must stand
    { "SPRAY-500ML", 102, 62, 258, 570, "upright", 0, 0, 4 },
    { "TOWEL-2P", 300, 200, 80, 460, "any", 0, 0, 4 },
    { "SPONGE-6P", 150, 100, 45, 60, "any", 0, 0, 3 },
    -- kettle in its printed retail box: this way up, and it ships alone
    -- (a heavy appliance that merchants never pack with small items)
    { "KETTLE-1.7L", 235, 180, 255, 1450, "upright", 0, 1, 1 },
  } },
}

-- Books: titles in the three common Chinese trade formats, their thickness
-- and mass derived from the title number so each title is one fixed SKU.
-- Mass from volume at 0.65 g/cm3 (paperback) and 0.75 g/cm3 (hardcover,
-- boards included), typical densities of bound books.
do
  local books = catalog[3].items
  local pb_formats = { { 184, 130 }, { 203, 140 }, { 210, 148 } } -- 32K, large 32K, A5
  local hc_formats = { { 240, 170 }, { 260, 185 }, { 285, 210 } } -- 16K family
  for t = 1, 24 do
    local f = pb_formats[t % 3 + 1]
    local h = 12 + (t * 7) % 24
    local g = f[1] * f[2] * h * 65 // 100000
    books[#books + 1] = { string.format("BOOK-P%03d", t), f[1], f[2], h, g,
                          "any", 0, 0, t <= 6 and 3 or 1 }
  end
  for t = 1, 10 do
    local f = hc_formats[t % 3 + 1]
    local h = 22 + (t * 5) % 24
    local g = f[1] * f[2] * h * 75 // 100000
    books[#books + 1] = { string.format("BOOK-H%03d", t), f[1], f[2], h, g,
                          "any", 0, 0, 1 }
  end
end

-- Does a unit fit the box in some orientation its rule allows?
local function fits(p, box)
  local l, w, h = p[2], p[3], p[4]
  local rot = p[6]
  if rot == "fixed" then
    return l <= box.l and w <= box.w and h <= box.h
  end
  if rot == "upright" then
    return h <= box.h and ((l <= box.l and w <= box.w) or (w <= box.l and l <= box.w))
  end
  local a = { l, w, h }
  local b = { box.l, box.w, box.h }
  table.sort(a)
  table.sort(b)
  return a[1] <= b[1] and a[2] <= b[2] and a[3] <= b[3]
end

for _, c in ipairs(catalog) do
  c.total = 0
  for _, p in ipairs(c.items) do
    if not fits(p, BIG) then
      error(p[1] .. " does not fit the largest box")
    end
    if p[5] >= BIG.max_weight_g then
      error(p[1] .. " is heavier than the largest box allows")
    end
    if #p[1] > 63 then
      error(p[1] .. ": item id too long")
    end
    c.total = c.total + p[9]
  end
end

local function pick_in(c)
  local r = math.random(1, c.total)
  for _, p in ipairs(c.items) do
    r = r - p[9]
    if r <= 0 then
      return p
    end
  end
  error("unreachable")
end

-- Share of orders per shop kind, in percent (apparel and cosmetics lead
-- Chinese parcel volume; books and household follow).
local cat_share = { 32, 22, 14, 18, 14 }

local function pick_cat()
  local r = math.random(1, 100)
  for i, s in ipairs(cat_share) do
    r = r - s
    if r <= 0 then
      return catalog[i]
    end
  end
  return catalog[#catalog]
end

-- Lines per order: most baskets are one to three lines, with a tail.
local function draw_nlines()
  local r = math.random(1, 100)
  if r <= 52 then return 1 end
  if r <= 76 then return 2 end
  if r <= 88 then return 3 end
  if r <= 95 then return math.random(4, 6) end
  return math.random(7, 12)
end

local function draw_qty()
  local r = math.random(1, 100)
  if r <= 80 then return 1 end
  if r <= 91 then return 2 end
  if r <= 95 then return 3 end
  if r <= 98 then return math.random(4, 6) end
  return math.random(8, 15)
end

-- Gift sets that the merchant packs together (group): item ids by name.
local gift_sets = {
  { "LIPSTICK-R01", "SERUM-30ML", "CREAM-50ML" },
  { "LIPSTICK-R05", "TONER-200ML", "MASK-10P" },
  { "MUG-WHT", "MUG-BLU", "TOWEL-2P" },
  { "EARBUDS", "CHARGER-65W", "CABLE-USBC" },
}

local by_id = {}
for _, c in ipairs(catalog) do
  for _, p in ipairs(c.items) do
    by_id[p[1]] = p
  end
end

-- An order is an array of lines {product, qty, group}; adding a product it
-- already holds raises that line's qty, so item ids stay unique per order.
local function add(order, p, qty, group)
  local room = MAX_UNITS - order.units
  if qty > room then qty = room end
  if qty <= 0 then return end
  for _, ln in ipairs(order) do
    if ln.p == p then
      ln.qty = ln.qty + qty
      order.units = order.units + qty
      return
    end
  end
  order[#order + 1] = { p = p, qty = qty, group = group or "" }
  order.units = order.units + qty
end

local function make_order(n)
  local order = { units = 0 }
  local r = math.random(1, 100)
  if r <= 4 then
    -- a gift set, plus whatever else the shopper took
    local set = gift_sets[math.random(1, #gift_sets)]
    for _, id in ipairs(set) do
      add(order, assert(by_id[id], id), 1, "G1")
    end
    for _ = 1, math.random(0, 2) do
      local p = pick_in(pick_cat())
      if p[8] == 0 then add(order, p, 1) end
    end
  elseif r <= 6 then
    -- a small business restocking one item (the large-order tail)
    local c = pick_cat()
    local p = pick_in(c)
    while p[8] == 1 do p = pick_in(c) end
    add(order, p, math.random(12, MAX_UNITS))
    if math.random(1, 2) == 1 then add(order, pick_in(c), math.random(2, 6)) end
  else
    local home = pick_cat()
    for _ = 1, draw_nlines() do
      -- one basket in four strays outside the shop's own kind
      local c = math.random(1, 4) == 1 and pick_cat() or home
      add(order, pick_in(c), draw_qty())
    end
  end
  order.id = string.format("D%04d", n)
  return order
end

local out = { "order_id,item_id,qty,l_mm,w_mm,h_mm,weight_g,rotation,fragile,alone,group" }
local st = { orders = 0, lines = 0, units = 0, min = math.maxinteger, max = 0,
             fragile = 0, upright = 0, alone = 0, grouped = 0, group_orders = 0,
             hist = {} }

for n = 1, N_ORDERS do
  local order = make_order(n)
  assert(order.units >= 1 and order.units <= MAX_UNITS)
  local has_group = false
  local group_vol, group_g = 0, 0
  for _, ln in ipairs(order) do
    local p = ln.p
    assert(ln.qty >= 1)
    out[#out + 1] = string.format("%s,%s,%d,%d,%d,%d,%d,%s,%d,%d,%s",
      order.id, p[1], ln.qty, p[2], p[3], p[4], p[5], p[6], p[7], p[8], ln.group)
    st.lines = st.lines + 1
    if p[7] == 1 then st.fragile = st.fragile + 1 end
    if p[6] == "upright" then st.upright = st.upright + 1 end
    if p[8] == 1 then st.alone = st.alone + 1 end
    if ln.group ~= "" then
      assert(p[8] == 0, "an item that ships alone cannot be in a group")
      has_group = true
      st.grouped = st.grouped + 1
      group_vol = group_vol + ln.qty * p[2] * p[3] * p[4]
      group_g = group_g + ln.qty * p[5]
    end
  end
  -- a group must be able to share one box at all
  assert(group_vol <= BIG.l * BIG.w * BIG.h and group_g < BIG.max_weight_g)
  if has_group then st.group_orders = st.group_orders + 1 end
  st.orders = st.orders + 1
  st.units = st.units + order.units
  if order.units < st.min then st.min = order.units end
  if order.units > st.max then st.max = order.units end
  local k = #order
  st.hist[k] = (st.hist[k] or 0) + 1
end

io.write(table.concat(out, "\n"), "\n")

if arg and arg[1] == "--stats" then
  local e = io.stderr
  e:write(string.format("orders %d, lines %d, units %d, units/order %d..%d\n",
    st.orders, st.lines, st.units, st.min, st.max))
  e:write(string.format("lines: fragile %d, upright %d, alone %d, grouped %d" ..
    " (in %d orders)\n", st.fragile, st.upright, st.alone, st.grouped, st.group_orders))
  for k = 1, 30 do
    if st.hist[k] then
      e:write(string.format("orders with %d line(s): %d\n", k, st.hist[k]))
    end
  end
end

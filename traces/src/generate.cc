// SPDX-License-Identifier: Apache-2.0
// The synthetic trace generator (docs/traces.md "Generated traces"). Every stream is a small
// device model; the generator interleaves them in short bursts. Randomness comes from a
// xoshiro256** generator seeded by splitmix64 and integer-only draws, so a seed gives the
// same bytes on every host and compiler.
#include "smmuv3_traces/generate.h"

#include <deque>
#include <map>

#include "native_internal.h"

namespace smmuv3::traces {

const char* pattern_name(pattern p)
{
    switch (p) {
    case pattern::sequential: return "sequential";
    case pattern::random: return "random";
    case pattern::linux_dma: return "linux";
    case pattern::mixed: return "mixed";
    }
    return "?";
}

std::optional<pattern> parse_pattern(const std::string& s)
{
    for (auto p : {pattern::sequential, pattern::random, pattern::linux_dma, pattern::mixed})
        if (s == pattern_name(p))
            return p;
    return std::nullopt;
}

std::vector<std::string> pattern_names() { return {"sequential", "random", "linux", "mixed"}; }

std::string check_generate_options(const generate_options& o)
{
    const uint64_t page = uint64_t{1} << o.granule_shift;
    if (o.granule_shift != 12 && o.granule_shift != 14 && o.granule_shift != 16)
        return "granule must be 4K, 16K or 64K";
    if (o.count == 0 || o.count > max_records)
        return "count must be 1..2^30";
    if (o.streams == 0 || o.streams > 256)
        return "streams must be 1..256";
    if (o.working_set == 0 || o.working_set > (uint64_t{1} << 20))
        return "working set must be 1..1048576 pages";
    if (o.access_size == 0 || o.access_size > page)
        return "access size must be 1.." + std::to_string(page) + " bytes (one page)";
    if (o.queue_depth == 0 || o.queue_depth > 1024)
        return "queue depth must be 1..1024";
    if (o.max_buffer_pages == 0 || o.max_buffer_pages > 4096)
        return "buffer size must be 1..4096 pages";
    if (uint64_t{o.sid_base} + uint64_t{o.sid_stride} * (o.streams - 1) > max_sid)
        return "StreamIDs exceed 32 bits";
    if (o.time_step > (uint64_t{1} << 32))
        return "time step must be at most 2^32 ns";
    return {};
}

namespace {

class rng {
public:
    explicit rng(uint64_t seed)
    {
        for (auto& w : m_s) {
            seed += 0x9E3779B97F4A7C15ull;  // splitmix64
            uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            w = z ^ (z >> 31);
        }
    }
    uint64_t next()  // xoshiro256**
    {
        const uint64_t r = rotl(m_s[1] * 5, 7) * 9;
        const uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return r;
    }
    /// Uniform in [0, n), n > 0, without modulo bias.
    uint64_t below(uint64_t n)
    {
        const uint64_t threshold = (0 - n) % n;
        for (;;) {
            uint64_t r = next();
            if (r >= threshold)
                return r % n;
        }
    }
    bool percent(unsigned p) { return below(100) < p; }

private:
    static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    uint64_t m_s[4];
};

constexpr uint64_t ram_base = 0x40000000, ram_pages_4k = 1u << 18;  // 1 GiB of "RAM"
constexpr uint8_t OP_TLBI_NH_VA = 0x12, OP_TLBI_NH_ASID = 0x11, OP_SYNC = 0x46;

struct ctx {
    const generate_options& o;
    rng& r;
    std::deque<record>& out;
    uint64_t& now;
    unsigned gshift;
    uint64_t page;
};

/* One device: emits its setup records, then one access (plus what goes with it) per step. */
class device {
public:
    device(unsigned idx, const generate_options& o)
        : m_idx(idx), m_sid(o.sid_base + o.sid_stride * idx), m_asid(static_cast<uint16_t>(idx + 1))
    {
    }
    virtual ~device() = default;
    virtual void setup(ctx& c) = 0;
    virtual void step(ctx& c) = 0;

protected:
    uint64_t random_frame(ctx& c)
    {
        const uint64_t frames = (ram_pages_4k << 12) >> c.gshift;
        return ram_base + (c.r.below(frames) << c.gshift);
    }
    void push(ctx& c, decltype(record::body) b)
    {
        record rec;
        rec.time = c.now;
        rec.body = std::move(b);
        c.out.push_back(std::move(rec));
    }
    void map_page(ctx& c, uint64_t iova, uint64_t pa, uint8_t perm)
    {
        map_record m;
        m.sid = m_sid;
        m.iova = iova;
        m.pa = pa;
        m.size = c.page;
        m.perm = perm;
        m.leaf_shift = static_cast<uint8_t>(c.gshift);
        m_map[iova] = {pa, perm};
        push(c, m);
    }
    void access(ctx& c, uint64_t iova, uint32_t size, bool write)
    {
        c.now += c.o.time_step + c.r.below(c.o.time_step / 2 + 1);
        auto it = m_map.find(iova & ~(c.page - 1));
        dma_record d;
        d.port = m_idx;
        d.sid = m_sid;
        d.iova = iova;
        d.size = size;
        d.access = write ? ACC_WRITE : 0;
        d.asid = m_asid;
        if (it != m_map.end())
            d.pa = it->second.first + (iova & (c.page - 1));
        push(c, d);
    }
    void bind(ctx& c)
    {
        bind_record b;
        b.sid = m_sid;
        b.asid = m_asid;
        b.granule_shift = static_cast<uint8_t>(c.gshift);
        b.ias = 48;
        push(c, b);
    }

    unsigned m_idx;
    uint32_t m_sid;
    uint16_t m_asid;
    std::map<uint64_t, std::pair<uint64_t, uint8_t>> m_map;  // live page -> (pa, perm)
};

/* A buffer of working_set pages streamed through in access_size steps. */
class sequential_device : public device {
public:
    using device::device;
    void setup(ctx& c) override
    {
        bind(c);
        m_base = 0x80000000ull + (uint64_t{m_idx} << 32);
        m_len = c.o.working_set * c.page;
        for (uint64_t i = 0; i < c.o.working_set; ++i)
            map_page(c, m_base + i * c.page, random_frame(c), PERM_R | PERM_W);
        m_write = m_idx % 2 == 1;
    }
    void step(ctx& c) override
    {
        access(c, m_base + m_pos, c.o.access_size, m_write);
        m_pos += c.o.access_size;
        if ((m_pos & (c.page - 1)) + c.o.access_size > c.page)  // never cross a page
            m_pos = (m_pos + c.page - 1) & ~(c.page - 1);
        if (m_pos + c.o.access_size > m_len)
            m_pos = 0;
    }

private:
    uint64_t m_base = 0, m_len = 0, m_pos = 0;
    bool m_write = false;
};

/* Uniform accesses over working_set mapped pages, 70 % reads. */
class random_device : public device {
public:
    using device::device;
    void setup(ctx& c) override
    {
        bind(c);
        m_base = 0x80000000ull + (uint64_t{m_idx} << 32);
        for (uint64_t i = 0; i < c.o.working_set; ++i)
            map_page(c, m_base + i * c.page, random_frame(c), PERM_R | PERM_W);
    }
    void step(ctx& c) override
    {
        const uint64_t pg = c.r.below(c.o.working_set);
        const uint64_t slots = c.page / c.o.access_size;
        const uint64_t off = c.r.below(slots) * c.o.access_size;
        access(c, m_base + pg * c.page + off, c.o.access_size, !c.r.percent(70));
    }

private:
    uint64_t m_base = 0;
};

/* Linux-like DMA API use: a coherent descriptor ring mapped once at the top of the 32-bit
 * IOVA space, then per I/O: allocate IOVA top-down (size-aligned, freed ranges reused LIFO
 * per size, like the IOVA rcaches), map the buffer's pages, descriptor fetch, data
 * transfer, completion write, unmap + TLBI_NH_VA + SYNC (strict) or batched TLBI_NH_ASID
 * after 64 unmaps (lazy, IOVAs reused only after the flush). */
class linux_device : public device {
public:
    using device::device;
    void setup(ctx& c) override
    {
        bind(c);
        m_top = uint64_t{1} << 32;
        m_ring = alloc(c, 1);
        map_page(c, m_ring, random_frame(c), PERM_R | PERM_W);
    }
    void step(ctx& c) override
    {
        if (m_io.size() < c.o.queue_depth && (m_io.empty() || c.r.percent(20)))
            submit(c);
        const size_t k = c.r.below(m_io.size());
        io& x = m_io[k];
        if (x.stage == 0) {  // descriptor fetch
            access(c, m_ring + (x.slot % 128) * 16, 16, false);
            x.stage = 1;
            return;
        }
        if (x.pos < x.pages * c.page) {  // data
            access(c, x.iova + x.pos, c.o.access_size, x.from_device);
            x.pos += c.o.access_size;
            if ((x.pos & (c.page - 1)) + c.o.access_size > c.page)
                x.pos = (x.pos + c.page - 1) & ~(c.page - 1);
            return;
        }
        access(c, m_ring + 2048 + (x.slot % 128) * 16, 16, true);  // completion
        complete(c, x);
        m_io.erase(m_io.begin() + static_cast<long>(k));
    }

private:
    struct io {
        uint64_t iova, pages, pos;
        unsigned stage;
        uint64_t slot;
        bool from_device;
    };

    uint64_t alloc(ctx& c, uint64_t pages)
    {
        auto& fl = m_free[pages];
        if (!fl.empty()) {
            uint64_t a = fl.back();
            fl.pop_back();
            return a;
        }
        uint64_t size = pages * c.page, align = c.page;
        while (align < size)
            align <<= 1;
        m_top = (m_top - size) & ~(align - 1);
        return m_top;
    }

    void submit(ctx& c)
    {
        uint64_t pages = 1;
        while (pages * 2 <= c.o.max_buffer_pages && c.r.percent(40))
            pages *= 2;
        io x{alloc(c, pages), pages, 0, 0, m_slot++, c.r.percent(70)};
        for (uint64_t i = 0; i < pages; ++i)
            map_page(c, x.iova + i * c.page, random_frame(c),
                     x.from_device ? (PERM_R | PERM_W) : PERM_R);
        m_io.push_back(x);
    }

    void complete(ctx& c, const io& x)
    {
        unmap_record u;
        u.sid = m_sid;
        u.iova = x.iova;
        u.size = x.pages * c.page;
        push(c, u);
        for (uint64_t i = 0; i < x.pages; ++i)
            m_map.erase(x.iova + i * c.page);
        if (c.o.strict) {
            cmd_record t;
            t.opcode = OP_TLBI_NH_VA;
            t.set(cmd_arg::vmid, 0);
            t.set(cmd_arg::asid, m_asid);
            t.set(cmd_arg::addr, x.iova);
            t.set(cmd_arg::tg, c.gshift == 12 ? 1 : c.gshift == 14 ? 2 : 3);
            t.set(cmd_arg::num, x.pages);
            t.set(cmd_arg::ttl, 3);
            t.set(cmd_arg::leaf, 1);
            push(c, t);
            push(c, cmd_record{OP_SYNC, 0, {}});
            m_free[x.pages].push_back(x.iova);
            return;
        }
        m_flush.emplace_back(x.pages, x.iova);
        if (m_flush.size() >= 64) {
            cmd_record t;
            t.opcode = OP_TLBI_NH_ASID;
            t.set(cmd_arg::asid, m_asid);
            push(c, t);
            push(c, cmd_record{OP_SYNC, 0, {}});
            for (const auto& f : m_flush)
                m_free[f.first].push_back(f.second);
            m_flush.clear();
        }
    }

    uint64_t m_top = 0, m_ring = 0, m_slot = 0;
    std::vector<io> m_io;
    std::map<uint64_t, std::vector<uint64_t>> m_free;
    std::vector<std::pair<uint64_t, uint64_t>> m_flush;
};

class generator : public record_source {
public:
    explicit generator(const generate_options& o) : m_o(o), m_r(o.seed)
    {
        std::string e = check_generate_options(o);
        if (!e.empty())
            throw trace_error("generate: " + e);
        m_hdr.unit = time_unit::ns;
        m_hdr.meta.emplace_back("source", "smmu-trace generate");
        m_hdr.meta.emplace_back("pattern", pattern_name(o.pat));
        m_hdr.meta.emplace_back("seed", std::to_string(o.seed));
        m_hdr.meta.emplace_back("count", std::to_string(o.count));
        m_hdr.meta.emplace_back("working_set_pages", std::to_string(o.working_set));
        m_hdr.meta.emplace_back("access_size", std::to_string(o.access_size));
        m_hdr.meta.emplace_back("mode", o.strict ? "strict" : "lazy");
        for (unsigned i = 0; i < o.streams; ++i) {
            pattern p = o.pat;
            if (p == pattern::mixed)
                p = i % 3 == 0 ? pattern::linux_dma : i % 3 == 1 ? pattern::random : pattern::sequential;
            if (p == pattern::sequential)
                m_dev.push_back(std::make_unique<sequential_device>(i, o));
            else if (p == pattern::random)
                m_dev.push_back(std::make_unique<random_device>(i, o));
            else
                m_dev.push_back(std::make_unique<linux_device>(i, o));
            stream_decl s;
            s.sid = o.sid_base + o.sid_stride * i;
            s.port = i;
            s.name = std::string("dev") + std::to_string(i) + "-" + pattern_name(p);
            m_hdr.streams.push_back(s);
        }
        ctx c = make_ctx();
        for (auto& d : m_dev)
            d->setup(c);
    }

    const header& hdr() const override { return m_hdr; }
    input_format format() const override { return input_format::native_text; }

    bool next(record& r) override
    {
        while (m_out.empty()) {
            if (m_dma >= m_o.count)
                return false;
            if (m_burst == 0) {
                m_cur = static_cast<unsigned>(m_r.below(m_dev.size()));
                m_burst = 1 + m_r.below(8);
            }
            ctx c = make_ctx();
            m_dev[m_cur]->step(c);
            --m_burst;
            ++m_dma;
        }
        r = std::move(m_out.front());
        m_out.pop_front();
        return true;
    }

private:
    ctx make_ctx()
    {
        return ctx{m_o, m_r, m_out, m_now, m_o.granule_shift, uint64_t{1} << m_o.granule_shift};
    }

    generate_options m_o;
    rng m_r;
    header m_hdr;
    std::vector<std::unique_ptr<device>> m_dev;
    std::deque<record> m_out;
    uint64_t m_now = 0, m_dma = 0, m_burst = 0;
    unsigned m_cur = 0;
};

}  // namespace

std::unique_ptr<record_source> generate(const generate_options& o)
{
    return std::make_unique<generator>(o);
}

}  // namespace smmuv3::traces

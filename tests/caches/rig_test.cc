// SPDX-License-Identifier: Apache-2.0
// Sanity of the test rig itself: each kind of stream translates, and a second access hits.
#include "cache_rig.h"

namespace cache_test {
namespace {

TEST(Rig, StreamsTranslateThenHit)
{
    Rig r(config_no_utlb());
    Stream& a = r.s1_stream(1, 1, 1);
    a.pt().map(0x100000, 0xC0000000);
    a.pt().map(0x400000, 0xC0600000, 2);
    EXPECT_TRUE(Walked(r.xlate(1, 0x100010), 0xC0000010));
    EXPECT_TRUE(Cached(r.xlate(1, 0x100020), 0xC0000020));
    EXPECT_TRUE(Walked(r.xlate(1, 0x412345), 0xC0612345));
    EXPECT_TRUE(Cached(r.xlate(1, 0x5FFFF0), 0xC07FFFF0));

    Stream& d = r.s2_stream(2, 1);
    d.s2->map(0x1000100000, 0xD0000000);
    EXPECT_TRUE(Walked(r.xlate(2, 0x1000100010), 0xD0000010));
    EXPECT_TRUE(Cached(r.xlate(2, 0x1000100010), 0xD0000010));
    EXPECT_TRUE(Walked(r.xlate(2, 0x12345678), 0x12345678));  // identity 1 GB block

    Stream& n = r.nested_stream(3, 1, 1);
    n.pt().map(0x100000, 0xC1000000);
    EXPECT_TRUE(Walked(r.xlate(3, 0x100010), 0xC1000010));
    EXPECT_TRUE(Cached(r.xlate(3, 0x100010), 0xC1000010));
}

TEST(Rig, El2StreamsTranslate)
{
    for (bool e2h : {false, true}) {
        RigOptions o;
        o.e2h = e2h;
        Rig r(config_no_utlb(), o);
        Stream& e = r.s1_stream(5, 7, 0, 12, 0b10);
        e.pt().map(0x100000, 0xC0000000);
        EXPECT_TRUE(Walked(r.xlate(5, 0x100010), 0xC0000010)) << "e2h " << e2h;
        EXPECT_TRUE(Cached(r.xlate(5, 0x100010), 0xC0000010)) << "e2h " << e2h;
    }
}

TEST(Rig, TwoLevelStreamTableAndSubstreams)
{
    RigOptions o;
    o.two_level_strtab = true;
    Rig r(default_config(), o);
    Stream& a = r.s1_stream(70, 1, 1, 12, 0, 2);
    for (uint32_t ssid = 0; ssid < 4; ssid++)
        a.pt(ssid).map(0x100000, 0xC0000000 + ssid * 0x100000);
    for (uint32_t ssid = 0; ssid < 4; ssid++)
        EXPECT_TRUE(Walked(r.xlate(70, 0x100000, true, ssid), 0xC0000000 + ssid * 0x100000));
}

}  // namespace
}  // namespace cache_test

// SPDX-License-Identifier: Apache-2.0
// gtest entry point for the SystemC tests, as sc_main (libsystemc provides main()). Each TEST
// elaborates its own platform and calls sc_start() once, and runs in its own process
// (gtest_discover_tests PRE_TEST); listing the tests creates no SystemC object.
#include <systemc>

#include <gtest/gtest.h>

#include <cstdlib>

// LeakSanitizer cannot scan SystemC's coroutine stacks (it faults on their guard pages when
// the process exits), so leak detection is off in this binary; ASan and UBSan checks stay on.
// Ignored in builds without sanitizers.
extern "C" const char* __asan_default_options();
extern "C" const char* __asan_default_options()
{
    return "detect_leaks=0";
}

int sc_main(int argc, char** argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}

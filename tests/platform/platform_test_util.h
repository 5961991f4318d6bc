// SPDX-License-Identifier: Apache-2.0
// Helpers of the platform tests: traces written to temporary files, smmu-vp run as a process,
// JSON reports compared without their host-dependent parts.
#ifndef SMMUV3_TESTS_PLATFORM_PLATFORM_TEST_UTIL_H
#define SMMUV3_TESTS_PLATFORM_PLATFORM_TEST_UTIL_H

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace platform_test {

inline std::string shared(const std::string& name)
{
    return std::string(SMMUV3_SHARED_TRACES) + "/" + name;
}
inline std::string bundled(const std::string& name)
{
    return std::string(SMMUV3_BUNDLED_TRACES) + "/" + name;
}
inline bool exists(const std::string& p)
{
    struct stat s;
    return ::stat(p.c_str(), &s) == 0;
}
inline bool have_shared()
{
    return exists(shared("boot_strict.dma.xz"));
}

inline std::string slurp(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    std::ostringstream o;
    o << f.rdbuf();
    return o.str();
}

/// A file in the test's temporary directory, removed when the object goes.
class TempFile {
public:
    explicit TempFile(const std::string& suffix, const std::string& text = "")
    {
        const char* dir = std::getenv("TMPDIR");
        std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/smmu-platform-XXXXXX";
        int fd = ::mkstemp(tmpl.data());
        if (fd >= 0)
            ::close(fd);
        ::unlink(tmpl.c_str());
        path_ = tmpl + suffix;
        if (!text.empty() || suffix.size())
            std::ofstream(path_, std::ios::binary) << text;
    }
    ~TempFile() { ::unlink(path_.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct Proc {
    int status = -1;
    std::string out, err;
};

/// Runs a shell command line; collects its exit status, stdout and stderr. Under ASan,
/// LeakSanitizer is off in the child: it faults on SystemC's coroutine stacks (see tests/tlm).
inline Proc run(const std::string& cmd)
{
    TempFile o(".out"), e(".err");
    Proc r;
    const std::string env = "ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" ";
    int s = std::system((env + cmd + " >" + o.path() + " 2>" + e.path()).c_str());
    r.status = WIFEXITED(s) ? WEXITSTATUS(s) : -1;
    r.out = slurp(o.path());
    r.err = slurp(e.path());
    return r;
}

/// A report without what may differ between two runs of the same replay.
inline nlohmann::json stable(nlohmann::json j)
{
    j.erase("host");
    return j;
}

}  // namespace platform_test
#endif

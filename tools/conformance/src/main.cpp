// SPDX-License-Identifier: Apache-2.0
// smmu-conformance: replays the oracle cases (../shared/oracle, format "smmu-oracle v1")
// through the C core's public API and reports every case that does not conform.
//
//   smmu-conformance [-v] [--case ID]... [--preset NAME] [--no-fork] CASES.jsonl[.xz]...
//
// Output: one line per failing case ("ID: step N (...): difference"), one line per skipped
// case, then "N passed, M failed[, K skipped]". Exit status: 0 all passed, 1 some case
// failed, 2 usage error or a malformed/unreadable case file (nothing is run then).
//
// Each case runs in a child process (unless --no-fork), so a model that crashes or hangs
// fails that case only.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <csignal>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oracle.hpp"
#include "replay.hpp"

using namespace conformance;

namespace {

constexpr unsigned CASE_TIMEOUT_S = 60;

void usage(std::ostream &o)
{
    o << "usage: smmu-conformance [options] CASES.jsonl[.xz] [more files]\n"
         "  -v, --verbose     per-case detail: every difference, accepted deviations, model log\n"
         "  --case ID         run only this case (repeatable; a trailing '*' matches a prefix)\n"
         "  --preset NAME     use this model preset for every case instead of the machine's\n"
         "  --no-fork         run cases in this process (for debuggers; a crash stops the run)\n"
         "  -h, --help        this text\n"
         "exit status: 0 all cases passed, 1 a case failed, 2 usage or malformed input\n";
}

bool selected(const std::string &id, const std::vector<std::string> &filters)
{
    if (filters.empty())
        return true;
    for (const auto &f : filters) {
        if (!f.empty() && f.back() == '*') {
            if (id.compare(0, f.size() - 1, f, 0, f.size() - 1) == 0)
                return true;
        } else if (id == f) {
            return true;
        }
    }
    return false;
}

/* Child → parent: one record per line, "<tag> <text>", newlines removed from text. */
std::string serialize(const case_report &r)
{
    auto clean = [](std::string s) {
        for (char &c : s)
            if (c == '\n' || c == '\r')
                c = ' ';
        return s;
    };
    std::string out;
    const char *st = r.st == case_report::status::passed   ? "passed"
                     : r.st == case_report::status::failed ? "failed"
                                                           : "skipped";
    out += std::string("S ") + st + "\n";
    if (!r.skip_reason.empty())
        out += "R " + clean(r.skip_reason) + "\n";
    for (const auto &f : r.failures)
        out += "F " + clean(f) + "\n";
    for (const auto &d : r.detail)
        out += "D " + clean(d) + "\n";
    return out;
}

bool deserialize(const std::string &text, case_report &r)
{
    std::istringstream in(text);
    std::string line;
    bool have_status = false;
    while (std::getline(in, line)) {
        if (line.size() < 2 || line[1] != ' ')
            return false;
        std::string body = line.substr(2);
        switch (line[0]) {
        case 'S':
            have_status = true;
            if (body == "passed")
                r.st = case_report::status::passed;
            else if (body == "failed")
                r.st = case_report::status::failed;
            else if (body == "skipped")
                r.st = case_report::status::skipped;
            else
                return false;
            break;
        case 'R': r.skip_reason = body; break;
        case 'F': r.failures.push_back(body); break;
        case 'D': r.detail.push_back(body); break;
        default: return false;
        }
    }
    return have_status;
}

bool write_all(int fd, const std::string &s)
{
    size_t done = 0;
    while (done < s.size()) {
        ssize_t n = write(fd, s.data() + done, s.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

/// Run one case in a child process; a crash or a hang becomes a failure of that case.
case_report run_isolated(const oracle_case &c, const options &opt, volatile int *progress)
{
    case_report rep;
    int fds[2];
    if (pipe(fds) != 0) {
        rep.st = case_report::status::failed;
        rep.failures.push_back(std::string("runner error: pipe: ") + std::strerror(errno));
        return rep;
    }
    *progress = -1;
    std::cout.flush();
    std::cerr.flush();
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        rep.st = case_report::status::failed;
        rep.failures.push_back(std::string("runner error: fork: ") + std::strerror(errno));
        return rep;
    }
    if (pid == 0) {
        close(fds[0]);
        alarm(CASE_TIMEOUT_S);
        case_report r = run_case(c, opt, progress);
        bool ok = write_all(fds[1], serialize(r));
        close(fds[1]);
        _exit(ok ? 0 : 3);
    }
    close(fds[1]);
    std::string text;
    char buf[4096];
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        text.append(buf, static_cast<size_t>(n));
    }
    close(fds[0]);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    std::string where = *progress >= 0 ? " during step " + std::to_string(*progress) : "";
    if (WIFSIGNALED(wstatus)) {
        int sig = WTERMSIG(wstatus);
        rep = case_report{};
        rep.st = case_report::status::failed;
        if (sig == SIGALRM)
            rep.failures.push_back("model timed out (" + std::to_string(CASE_TIMEOUT_S) + " s)" +
                                   where);
        else
            rep.failures.push_back("model crashed (signal " + std::to_string(sig) + ", " +
                                   strsignal(sig) + ")" + where);
        return rep;
    }
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || !deserialize(text, rep)) {
        rep = case_report{};
        rep.st = case_report::status::failed;
        rep.failures.push_back("runner error: the case's process ended abnormally" + where);
    }
    return rep;
}

} // namespace

int main(int argc, char **argv)
{
    options opt;
    bool fork_cases = true;
    std::vector<std::string> files, filters;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "-v" || a == "--verbose") {
            opt.verbose = true;
        } else if (a == "--no-fork") {
            fork_cases = false;
        } else if (a == "-h" || a == "--help") {
            usage(std::cout);
            return 0;
        } else if (a == "--case" || a == "--preset") {
            if (i + 1 >= argc) {
                std::cerr << "smmu-conformance: " << a << " needs an argument\n";
                usage(std::cerr);
                return 2;
            }
            if (a == "--case")
                filters.emplace_back(argv[++i]);
            else
                opt.preset = argv[++i];
        } else if (a.rfind("--case=", 0) == 0) {
            filters.push_back(a.substr(7));
        } else if (a.rfind("--preset=", 0) == 0) {
            opt.preset = a.substr(9);
        } else if (a.size() > 1 && a[0] == '-') {
            std::cerr << "smmu-conformance: unknown option " << a << "\n";
            usage(std::cerr);
            return 2;
        } else {
            files.push_back(a);
        }
    }
    if (files.empty()) {
        usage(std::cerr);
        return 2;
    }

    // Read and check every file first: a malformed file is rejected before anything runs.
    std::vector<oracle_case> cases;
    for (const auto &f : files) {
        std::string err;
        if (!load_cases(f, cases, err)) {
            std::cerr << "smmu-conformance: " << err << "\n";
            return 2;
        }
    }

    void *shared = mmap(nullptr, sizeof(int), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                        -1, 0);
    volatile int local_progress = -1;
    volatile int *progress =
        shared == MAP_FAILED ? &local_progress : static_cast<volatile int *>(shared);
    if (shared == MAP_FAILED)
        fork_cases = false;

    unsigned passed = 0, failed = 0, skipped = 0;
    std::vector<std::string> skip_lines;
    for (const auto &c : cases) {
        if (!selected(c.id, filters))
            continue;
        case_report r = fork_cases ? run_isolated(c, opt, progress) : run_case(c, opt, progress);
        switch (r.st) {
        case case_report::status::passed:
            passed++;
            if (opt.verbose)
                std::cout << c.id << ": passed\n";
            break;
        case case_report::status::failed:
            failed++;
            if (r.failures.empty())
                r.failures.push_back("failed");
            if (opt.verbose) {
                std::cout << c.id << ": FAILED (" << r.failures.size() << " difference"
                          << (r.failures.size() == 1 ? "" : "s") << ", " << c.file << ":"
                          << c.line << ")\n";
                for (const auto &f : r.failures)
                    std::cout << "  " << f << "\n";
            } else {
                std::cout << c.id << ": " << r.failures.front() << "\n";
            }
            break;
        case case_report::status::skipped:
            skipped++;
            skip_lines.push_back(c.id + ": skipped: " + r.skip_reason);
            break;
        }
        if (opt.verbose)
            for (const auto &d : r.detail)
                std::cout << "  . " << d << "\n";
    }
    if (passed + failed + skipped == 0 && !filters.empty()) {
        std::cerr << "smmu-conformance: no case matches the --case filter\n";
        return 2;
    }
    for (const auto &s : skip_lines)
        std::cout << s << "\n";
    std::cout << passed << " passed, " << failed << " failed";
    if (skipped)
        std::cout << ", " << skipped << " skipped";
    std::cout << std::endl;
    return failed ? 1 : 0;
}

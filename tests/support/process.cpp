#include "tests/support/process.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace refundbot::tests {

std::string refundbot_binary() {
    return REFUNDBOT_BINARY;
}

namespace {

std::filesystem::path temp_dir() {
    static const std::filesystem::path dir = [] {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "refundbot-test-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        return std::filesystem::path(pattern);
    }();
    return dir;
}

}  // namespace

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch()
    )
        .count();
}

std::string write_temp_file(const std::string& name, const std::string& text) {
    const auto path = temp_dir() / name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    return path.string();
}

child_process::child_process(
    const std::string& program,
    const std::vector<std::string>& args,
    const std::vector<std::pair<std::string, std::string>>& extra_env
) {
    static int counter = 0;
    out_path_ = (temp_dir() /
                 ("child-" + std::to_string(getpid()) + "-" + std::to_string(++counter) + ".log"))
                    .string();

    std::vector<std::string> argv_store{program};
    argv_store.insert(argv_store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_store) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);

    std::vector<std::string> env_store;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry(*e);
        bool overridden = false;
        for (const auto& [k, v] : extra_env) {
            if (entry.starts_with(k + "=")) {
                overridden = true;
            }
        }
        if (!overridden) {
            env_store.push_back(entry);
        }
    }
    for (const auto& [k, v] : extra_env) {
        env_store.push_back(k + "=" + v);
    }
    std::vector<char*> envp;
    for (auto& e : env_store) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(
        &actions, 1, out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644
    );
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
    }
}

child_process::~child_process() {
    if (!status_) {
        ::kill(pid_, SIGKILL);
        wait(std::chrono::seconds(10));
    }
}

void child_process::signal(int sig) const {
    ::kill(pid_, sig);
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
    if (status_) {
        return status_;
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return status_;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::string child_process::output() const {
    std::ifstream in(out_path_, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::pair<int, std::string> run_to_end(
    const std::string& program,
    const std::vector<std::string>& args,
    const std::vector<std::pair<std::string, std::string>>& extra_env
) {
    child_process p(program, args, extra_env);
    const auto code = p.wait(std::chrono::seconds(60));
    if (!code) {
        throw std::runtime_error(program + " did not finish within 60 s:\n" + p.output());
    }
    return {*code, p.output()};
}

}  // namespace refundbot::tests

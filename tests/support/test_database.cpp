#include "tests/support/test_database.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace refundbot::tests {
namespace {

// postgresql://user@host:port/db -> the same with another database name.
std::string with_database(const std::string& url, const std::string& db) {
    const auto query = url.find('?');
    const auto base = url.substr(0, query);
    const auto slash = base.rfind('/');
    if (slash == std::string::npos || slash < base.find("://") + 3) {
        throw std::runtime_error(
            "REFUNDBOT_TEST_DATABASE_URL must be a postgresql:// URI with a database"
        );
    }
    return base.substr(0, slash + 1) + db + (query == std::string::npos ? "" : url.substr(query));
}

}  // namespace

std::string test_database_url() {
    const char* v = std::getenv("REFUNDBOT_TEST_DATABASE_URL");
    return v ? v : "";
}

scratch_database::scratch_database() {
    const auto base = test_database_url();
    if (base.empty()) {
        throw std::runtime_error("REFUNDBOT_TEST_DATABASE_URL is not set; run ./tests/run.sh");
    }
    static std::atomic<int> counter{0};
    std::random_device rd;
    name_ = "refundbot_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" +
            std::to_string(rd() % 100000);
    pqxx::connection cx(base);
    pqxx::nontransaction tx(cx);
    tx.exec("CREATE DATABASE " + tx.quote_name(name_));
    url_ = with_database(base, name_);
}

scratch_database::~scratch_database() {
    try {
        pqxx::connection cx(test_database_url());
        pqxx::nontransaction tx(cx);
        tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) + " WITH (FORCE)");
    } catch (...) {
        // The cluster may be down in the middle of a restart test; the cluster is thrown away.
    }
}

adapters::postgres::database_settings scratch_database::settings() const {
    adapters::postgres::database_settings s;
    s.url = url_;
    s.pool_size = 4;
    s.acquire_timeout = std::chrono::milliseconds(2000);
    s.connect_timeout = std::chrono::seconds(3);
    return s;
}

std::string scratch_database::query(const std::string& sql) const {
    pqxx::connection cx(url_);
    pqxx::nontransaction tx(cx);
    const auto r = tx.exec(sql);
    if (r.empty() || r[0].empty() || r[0][0].is_null()) {
        return "";
    }
    return r[0][0].as<std::string>();
}

std::string scratch_database::wait_for(
    const std::string& sql, const std::string& expected, std::chrono::seconds timeout
) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string last;
    while (std::chrono::steady_clock::now() < deadline) {
        last = query(sql);
        if (last == expected) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return last;
}

int control_test_cluster(const std::string& command) {
    const char* script = std::getenv("REFUNDBOT_TEST_PG_SCRIPT");
    const char* datadir = std::getenv("REFUNDBOT_TEST_PGDATA");
    const char* port = std::getenv("REFUNDBOT_TEST_PGPORT");
    if (!script || !datadir || !port) {
        throw std::runtime_error(
            "REFUNDBOT_TEST_PG_SCRIPT/PGDATA/PGPORT not set; run ./tests/run.sh"
        );
    }
    const std::string cmd =
        std::string(script) + " " + command + " '" + datadir + "' " + port + " >/dev/null";
    return std::system(cmd.c_str());
}

}  // namespace refundbot::tests

#pragma once

// Internal to the store: a prepared statement and a write transaction over the store's one
// connection, shared by the files that implement RunStore (run_store.cpp, schema.cpp,
// graph_plan_store.cpp, step_cache.cpp).

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tako/store/run_store.h"

namespace tako::store {

// A JSON column's value; `fallback` when empty or unreadable.
inline nlohmann::json parse_json(const std::string& text, nlohmann::json fallback) {
  if (text.empty()) return fallback;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? fallback : j;
}

inline std::string sql(const char* head, const char* columns, const char* tail) {
  return std::string(head) + columns + tail;
}

// A prepared statement bound to the store's connection.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::filesystem::path& path, const char* sql) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, const nlohmann::json& v) { return bind(i, v.dump()); }
  Stmt& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Stmt& bind_opt(int i, const std::optional<int>& v) {
    if (v) return bind(i, *v);
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  // Every row, each made by `read(*this)`.
  template <class Read>
  auto rows(Read read) {
    std::vector<decltype(read(*this))> out;
    while (step()) out.push_back(read(*this));
    return out;
  }
  // True while there is a row.
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail("step");
    return false;
  }
  void run() {
    while (step()) {
    }
  }
  std::string text(int col) const {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    return p == nullptr ? std::string()
                        : std::string(reinterpret_cast<const char*>(p),
                                      static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  [[noreturn]] void fail(const char* what) {
    throw StoreError("run store " + path_.string() + ": " + what + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  const std::filesystem::path& path_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A write transaction: BEGIN IMMEDIATE (so that concurrent writers queue on busy_timeout
// instead of failing to upgrade), COMMIT on commit(), ROLLBACK otherwise.
class RunStore::Txn {
 public:
  explicit Txn(RunStore& s) : s_(s), lock_(s.mu_) { exec("BEGIN IMMEDIATE"); }
  ~Txn() {
    if (!done_) sqlite3_exec(s_.db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    exec("COMMIT");
    done_ = true;
  }

 private:
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(s_.db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : "unknown error";
      sqlite3_free(err);
      throw StoreError("run store " + s_.path_.string() + ": " + sql + ": " + msg);
    }
  }
  RunStore& s_;
  std::lock_guard<std::recursive_mutex> lock_;
  bool done_ = false;
};

}  // namespace tako::store

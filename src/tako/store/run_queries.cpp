// Read-only queries of the run store for the commands that show runs (`tako runs --repo`,
// completion): kept apart from run_store.cpp, which holds the schema and the writes.

#include "tako/store/run_store.h"
#include "tako/store/sql.h"

namespace tako::store {

std::vector<std::string> RunStore::run_ids_of_repository(const std::string& repository,
                                                         bool roots_only, int limit) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         roots_only ? "SELECT id FROM runs WHERE repository=?1 AND parent_run='' "
                      "ORDER BY started_at DESC, id DESC LIMIT ?2"
                    : "SELECT id FROM runs WHERE repository=?1 "
                      "ORDER BY started_at DESC, id DESC LIMIT ?2");
  s.bind(1, repository);
  s.bind(2, limit);
  return s.rows([](const Stmt& row) { return row.text(0); });
}

std::vector<std::string> RunStore::run_repositories(int limit) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         "SELECT repository FROM runs WHERE repository!='' GROUP BY repository "
         "ORDER BY MAX(started_at) DESC LIMIT ?1");
  s.bind(1, limit);
  return s.rows([](const Stmt& row) { return row.text(0); });
}

}  // namespace tako::store

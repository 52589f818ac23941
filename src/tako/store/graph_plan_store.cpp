// The run store's graph releases (SPEC §7.5): the plan of a release along `dependents:` and
// the state of each of its repositories, so that `--resume` can finish it.

#include "tako/store/run_store.h"
#include "tako/store/sql.h"
#include "tako/sys/clock.h"

namespace tako::store {

using nlohmann::json;

namespace {

constexpr const char* kNodeColumns =
    "root_run, repository, position, level, upstreams, repo_ref, source, action, status, "
    "reason, run_id, updated_at";

GraphNodeRecord read_node(const Stmt& s) {
  GraphNodeRecord n;
  n.root_run = s.text(0);
  n.repository = s.text(1);
  n.position = static_cast<int>(s.integer(2));
  n.level = static_cast<int>(s.integer(3));
  for (const auto& u : parse_json(s.text(4), json::array())) {
    if (u.is_string()) n.upstreams.push_back(u.get<std::string>());
  }
  n.repo_ref = s.text(5);
  n.source = s.text(6);
  n.action = s.text(7);
  n.status = s.text(8);
  n.reason = s.text(9);
  n.run_id = s.text(10);
  n.updated_at = s.text(11);
  return n;
}

std::string now() {
  return sys::format_iso8601(sys::utc_now());
}

}  // namespace

void RunStore::insert_graph_plan(const GraphPlanRecord& plan,
                                 const std::vector<GraphNodeRecord>& nodes) {
  Txn txn(*this);
  const std::string stamp = plan.created_at.empty() ? now() : plan.created_at;
  {
    Stmt d(db_, path_, "DELETE FROM graph_nodes WHERE root_run=?1");
    d.bind(1, plan.root_run);
    d.run();
  }
  {
    Stmt s(db_, path_,
           "INSERT OR REPLACE INTO graph_plans (root_run, workflow, inputs, fail_fast, created_at) "
           "VALUES (?1,?2,?3,?4,?5)");
    s.bind(1, plan.root_run).bind(2, plan.workflow).bind(3, plan.inputs);
    s.bind(4, plan.fail_fast ? 1 : 0).bind(5, stamp);
    s.run();
  }
  for (const auto& n : nodes) {
    Stmt s(db_, path_,
           sql("INSERT INTO graph_nodes (", kNodeColumns,
               ") VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)")
               .c_str());
    s.bind(1, plan.root_run).bind(2, n.repository).bind(3, n.position).bind(4, n.level);
    s.bind(5, json(n.upstreams)).bind(6, n.repo_ref).bind(7, n.source).bind(8, n.action);
    s.bind(9, n.status).bind(10, n.reason).bind(11, n.run_id);
    s.bind(12, n.updated_at.empty() ? stamp : n.updated_at);
    s.run();
  }
  txn.commit();
}

std::optional<GraphPlanRecord> RunStore::get_graph_plan(const std::string& root_run) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         "SELECT root_run, workflow, inputs, fail_fast, created_at FROM graph_plans "
         "WHERE root_run=?1");
  s.bind(1, root_run);
  if (!s.step()) return std::nullopt;
  GraphPlanRecord p;
  p.root_run = s.text(0);
  p.workflow = s.text(1);
  p.inputs = parse_json(s.text(2), json::object());
  p.fail_fast = s.integer(3) != 0;
  p.created_at = s.text(4);
  return p;
}

std::vector<GraphNodeRecord> RunStore::graph_nodes(const std::string& root_run) {
  std::lock_guard lock(mu_);
  Stmt s(db_, path_,
         sql("SELECT ", kNodeColumns, " FROM graph_nodes WHERE root_run=?1 ORDER BY position")
             .c_str());
  s.bind(1, root_run);
  return s.rows(read_node);
}

void RunStore::update_graph_node(const GraphNodeRecord& n) {
  Txn txn(*this);
  Stmt s(db_, path_,
         "UPDATE graph_nodes SET status=?3, reason=?4, run_id=?5, updated_at=?6 "
         "WHERE root_run=?1 AND repository=?2");
  s.bind(1, n.root_run).bind(2, n.repository).bind(3, n.status).bind(4, n.reason);
  s.bind(5, n.run_id).bind(6, n.updated_at.empty() ? now() : n.updated_at);
  s.run();
  txn.commit();
}

}  // namespace tako::store
